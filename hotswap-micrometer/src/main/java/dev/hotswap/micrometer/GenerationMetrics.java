package dev.hotswap.micrometer;

import dev.hotswap.engine.DatabaseStatus;
import dev.hotswap.engine.Hotswap;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of each managed database, read from {@link Hotswap#status()} when the registry samples them:
 * <ul>
 * <li>{@value #GENERATION} (tag {@code database}): the current generation's number;
 * <li>{@value #IN_FLIGHT} (tag {@code database}): requests pinned to any generation of it now.
 * </ul>
 * Both read NaN once the engine is closed. Bind it after the engine has started (the databases are
 * known then).
 */
public final class GenerationMetrics implements MeterBinder {
    /** The gauge of the current generation. */
    public static final String GENERATION = "hotswap.generation";
    /** The gauge of requests in flight. */
    public static final String IN_FLIGHT = "hotswap.requests.in.flight";

    private final Hotswap hotswap;

    /** Gauges of {@code hotswap}'s databases. */
    public GenerationMetrics(Hotswap hotswap) {
        this.hotswap = Objects.requireNonNull(hotswap, "hotswap");
    }

    /**
     * Registers both gauges for every managed database.
     *
     * @throws IllegalStateException if the engine is not started, or closed
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (DatabaseStatus database : hotswap.status()) {
            String name = database.name();
            gauge(registry, GENERATION, "The current generation of the database", name,
                    status -> status.current().id());
            gauge(registry, IN_FLIGHT, "Requests pinned to any generation of the database now", name,
                    DatabaseStatus::requests);
        }
    }

    private void gauge(MeterRegistry registry, String meter, String description, String database,
            ToDoubleFunction<DatabaseStatus> value) {
        Gauge.builder(meter, this, metrics -> metrics.read(database, value))
                .description(description)
                .tags("database", database)
                .strongReference(true)
                .register(registry);
    }

    private double read(String database, ToDoubleFunction<DatabaseStatus> value) {
        try {
            for (DatabaseStatus status : hotswap.status()) {
                if (status.name().equals(database)) {
                    return value.applyAsDouble(status);
                }
            }
        } catch (IllegalStateException closed) {
            // the engine is closed: no value
        }
        return Double.NaN;
    }
}
