package dev.hotswap.quarkus;

import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import java.util.Map;

/**
 * Turns {@link HotswapConfig} into a {@link HotswapBuilder}; every refusal names the property at
 * fault. The one place that knows the builder's knobs; properties left unset keep the engine's
 * defaults.
 */
final class EngineSettings {
    static final String PREFIX = "quarkus.hotswap.";

    private EngineSettings() {
    }

    /**
     * A builder configured from {@code config}.
     *
     * @throws IllegalStateException if no database is configured, or a property is invalid
     */
    static HotswapBuilder builder(HotswapConfig config) {
        Map<String, HotswapConfig.Database> databases = config.databases();
        if (databases.isEmpty()) {
            throw new IllegalStateException("hotswap: no database configured; set " + PREFIX
                    + "databases.\"<name>\".path");
        }
        HotswapBuilder builder = Hotswap.builder();
        databases.forEach((name, database) -> {
            String property = PREFIX + "databases.\"" + name + "\".";
            set(property + "path", () -> builder.database(name, database.path()));
            builder.createIfMissing(name, database.createIfMissing());
            database.warmUp().ifPresent(statements ->
                    set(property + "warm-up", () -> builder.warmUp(name, statements.toArray(String[]::new))));
            database.checks().forEach((check, sql) ->
                    set(property + "checks." + check, () -> builder.check(name, check, CandidateCheck.sql(sql))));
        });
        config.socket().ifPresent(socket -> set(PREFIX + "socket", () -> builder.socket(socket)));
        builder.socketEnabled(config.socketEnabled());
        config.allowedUids().ifPresent(uids -> set(PREFIX + "allowed-uids",
                () -> builder.allowedUids(uids.stream().mapToLong(Long::longValue).toArray())));
        config.maxConnections().ifPresent(n -> set(PREFIX + "max-connections", () -> builder.maxConnections(n)));
        config.idleTimeout().ifPresent(timeout -> set(PREFIX + "idle-timeout", () -> builder.idleTimeout(timeout)));
        config.warmUpTimeout().ifPresent(
                timeout -> set(PREFIX + "warm-up-timeout", () -> builder.warmUpTimeout(timeout)));
        config.poolSize().ifPresent(n -> set(PREFIX + "pool-size", () -> builder.poolSize(n)));
        config.keep().ifPresent(n -> set(PREFIX + "keep", () -> builder.keep(n)));
        config.pinWarning().ifPresent(after -> set(PREFIX + "pin-warning", () -> builder.pinWarning(after)));
        config.diskReserve().ifPresent(size ->
                set(PREFIX + "disk-reserve", () -> builder.diskReserve(size.asLongValue())));
        config.minUploadRate().ifPresent(rate ->
                set(PREFIX + "min-upload-rate", () -> builder.minUploadRate(rate.asLongValue())));
        return builder;
    }

    static void set(String property, Runnable setting) {
        try {
            setting.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + ": " + e.getMessage(), e);
        }
    }
}
