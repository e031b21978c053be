package dev.hotswap.micronaut;

import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import io.micronaut.context.exceptions.ConfigurationException;
import java.util.Collection;
import java.util.Map;

/**
 * Turns the {@code hotswap.*} properties into a {@link HotswapBuilder}; every refusal names the
 * property at fault. The one place that knows the builder's knobs; properties left unset keep the
 * engine's defaults.
 */
final class EngineBuilder {
    private EngineBuilder() {
    }

    /**
     * A builder configured from {@code engine} and {@code databases}, then {@code checks} (the
     * application's {@link CandidateCheck} beans by name) added to every database.
     *
     * @throws ConfigurationException if no database is configured, or a property is invalid
     */
    static HotswapBuilder from(HotswapConfiguration engine, Collection<DatabaseConfiguration> databases,
            Map<String, CandidateCheck> checks) {
        if (databases.isEmpty()) {
            throw new ConfigurationException("hotswap: no database configured; set hotswap.databases.<name>.path"
                    + " (or hotswap.enabled=false)");
        }
        HotswapBuilder builder = Hotswap.builder();
        for (DatabaseConfiguration database : databases) {
            String prefix = "hotswap.databases." + database.getName() + ".";
            if (database.getPath() == null) {
                throw new ConfigurationException(prefix + "path is not set");
            }
            set(prefix + "path", () -> builder.database(database.getName(), database.getPath()));
            builder.createIfMissing(database.getName(), database.isCreateIfMissing());
            if (!database.getWarmUp().isEmpty()) {
                set(prefix + "warm-up", () -> builder.warmUp(database.getName(), database.getWarmUp().toArray(String[]::new)));
            }
        }
        if (engine.getSocket() != null) {
            set("hotswap.socket", () -> builder.socket(engine.getSocket()));
        }
        builder.socketEnabled(engine.isSocketEnabled());
        if (!engine.getAllowedUids().isEmpty()) {
            long[] uids = engine.getAllowedUids().stream().mapToLong(Long::longValue).toArray();
            set("hotswap.allowed-uids", () -> builder.allowedUids(uids));
        }
        if (engine.getMaxConnections() != null) {
            set("hotswap.max-connections", () -> builder.maxConnections(engine.getMaxConnections()));
        }
        if (engine.getIdleTimeout() != null) {
            set("hotswap.idle-timeout", () -> builder.idleTimeout(engine.getIdleTimeout()));
        }
        if (engine.getWarmUpTimeout() != null) {
            set("hotswap.warm-up-timeout", () -> builder.warmUpTimeout(engine.getWarmUpTimeout()));
        }
        if (engine.getPoolSize() != null) {
            set("hotswap.pool-size", () -> builder.poolSize(engine.getPoolSize()));
        }
        if (engine.getKeep() != null) {
            set("hotswap.keep", () -> builder.keep(engine.getKeep()));
        }
        if (engine.getPinWarning() != null) {
            set("hotswap.pin-warning", () -> builder.pinWarning(engine.getPinWarning()));
        }
        if (engine.getDiskReserve() != null) {
            set("hotswap.disk-reserve", () -> builder.diskReserve(engine.getDiskReserve()));
        }
        if (engine.getMinUploadRate() != null) {
            set("hotswap.min-upload-rate", () -> builder.minUploadRate(engine.getMinUploadRate()));
        }
        checks.forEach((name, check) -> set("CandidateCheck bean @Named(\"" + name + "\")", () -> builder.check(name, check)));
        for (DatabaseConfiguration database : databases) {
            database.getChecks().forEach((name, sql) -> set("hotswap.databases." + database.getName() + ".checks." + name,
                    () -> builder.check(database.getName(), name, CandidateCheck.sql(sql))));
        }
        return builder;
    }

    private static void set(String property, Runnable setting) {
        try {
            setting.run();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(property + ": " + e.getMessage(), e);
        }
    }
}
