package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import java.util.Map;

/**
 * Turns {@link HotswapProperties} into a {@link HotswapBuilder}; every refusal names the property
 * at fault. The one place that knows the builder's knobs; properties left unset keep the engine's
 * defaults.
 */
final class EngineBuilder {
    private EngineBuilder() {
    }

    /**
     * A builder configured from {@code properties}.
     *
     * @throws IllegalStateException if no database is configured, or a property is invalid
     */
    static HotswapBuilder from(HotswapProperties properties) {
        Map<String, HotswapProperties.Database> databases = properties.getDatabases();
        if (databases.isEmpty()) {
            throw new IllegalStateException("hotswap: no database configured; set hotswap.databases.<name>.path"
                    + " (or hotswap.enabled=false)");
        }
        HotswapBuilder builder = Hotswap.builder();
        databases.forEach((name, database) -> {
            String property = "hotswap.databases." + name + ".path";
            if (database.getPath() == null) {
                throw new IllegalStateException(property + " is not set");
            }
            set(property, () -> builder.database(name, database.getPath()));
            builder.createIfMissing(name, database.isCreateIfMissing());
            if (!database.getWarmUp().isEmpty()) {
                set("hotswap.databases." + name + ".warm-up",
                        () -> builder.warmUp(name, database.getWarmUp().toArray(String[]::new)));
            }
        });
        if (properties.getSocket() != null) {
            set("hotswap.socket", () -> builder.socket(properties.getSocket()));
        }
        builder.socketEnabled(properties.isSocketEnabled());
        if (!properties.getAllowedUids().isEmpty()) {
            long[] uids = properties.getAllowedUids().stream().mapToLong(Long::longValue).toArray();
            set("hotswap.allowed-uids", () -> builder.allowedUids(uids));
        }
        if (properties.getMaxConnections() != null) {
            set("hotswap.max-connections", () -> builder.maxConnections(properties.getMaxConnections()));
        }
        if (properties.getIdleTimeout() != null) {
            set("hotswap.idle-timeout", () -> builder.idleTimeout(properties.getIdleTimeout()));
        }
        if (properties.getWarmUpTimeout() != null) {
            set("hotswap.warm-up-timeout", () -> builder.warmUpTimeout(properties.getWarmUpTimeout()));
        }
        if (properties.getPoolSize() != null) {
            set("hotswap.pool-size", () -> builder.poolSize(properties.getPoolSize()));
        }
        if (properties.getKeep() != null) {
            set("hotswap.keep", () -> builder.keep(properties.getKeep()));
        }
        if (properties.getPinWarning() != null) {
            set("hotswap.pin-warning", () -> builder.pinWarning(properties.getPinWarning()));
        }
        if (properties.getDiskReserve() != null) {
            set("hotswap.disk-reserve", () -> builder.diskReserve(properties.getDiskReserve().toBytes()));
        }
        if (properties.getMinUploadRate() != null) {
            set("hotswap.min-upload-rate", () -> builder.minUploadRate(properties.getMinUploadRate().toBytes()));
        }
        return builder;
    }

    /**
     * Adds the {@code CandidateCheck} beans, by bean name, to every database, then each database's SQL
     * checks from its properties ({@code hotswap.databases.NAME.checks.CHECK=SELECT ...}).
     *
     * @throws IllegalStateException naming the bean or property whose name is malformed or taken
     */
    static void addChecks(HotswapBuilder builder, HotswapProperties properties, Map<String, CandidateCheck> beans) {
        beans.forEach((name, check) -> set("CandidateCheck bean '" + name + "'", () -> builder.check(name, check)));
        properties.getDatabases().forEach((database, settings) -> settings.getChecks().forEach((name, sql) -> {
            String property = "hotswap.databases." + database + ".checks." + name;
            set(property, () -> builder.check(database, name, CandidateCheck.sql(sql)));
        }));
    }

    private static void set(String property, Runnable setting) {
        try {
            setting.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + ": " + e.getMessage(), e);
        }
    }
}
