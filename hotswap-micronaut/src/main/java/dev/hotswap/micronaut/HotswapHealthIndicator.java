package dev.hotswap.micronaut;

import dev.hotswap.engine.DatabaseStatus;
import dev.hotswap.engine.GenerationStatus;
import dev.hotswap.engine.Hotswap;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * The {@code hotswap} part of Micronaut's {@code /health} endpoint (micronaut-management), from
 * {@link Hotswap#status()}: for each database its current generation, the kept ones and the requests
 * in flight.
 *
 * <p>UP while the engine runs and every database's current generation file can be read. DOWN when
 * the engine is not running (closed, or failed to start), or when a current generation's file cannot
 * be read (deleted or made unreadable under the running application): requests then fail or are
 * about to. A refused push is not a health problem, as it leaves the live database untouched.
 */
@Singleton
@Requires(classes = HealthIndicator.class)
@Requires(beans = Hotswap.class)
public final class HotswapHealthIndicator implements HealthIndicator {
    /** The indicator's name in the health result. */
    public static final String NAME = "hotswap";

    private final Hotswap hotswap;

    /** The health of {@code hotswap}. */
    public HotswapHealthIndicator(Hotswap hotswap) {
        this.hotswap = hotswap;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.just(result());
    }

    /** The health now. */
    HealthResult result() {
        List<DatabaseStatus> statuses;
        try {
            statuses = hotswap.status();
        } catch (IllegalStateException notRunning) {
            return HealthResult.builder(NAME, HealthStatus.DOWN).details(Map.of("error", notRunning.getMessage())).build();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        for (DatabaseStatus status : statuses) {
            Map<String, Object> database = new LinkedHashMap<>();
            database.put("generation", status.current().id());
            database.put("kept", status.kept().stream().map(GenerationStatus::id).toList());
            database.put("requests", status.requests());
            details.put(status.name(), database);
            if (status.current().bytes() < 0) {
                unreadable.add(status.current().file().toString());
            }
        }
        if (!unreadable.isEmpty()) {
            details.put("unreadable", unreadable);
        }
        return HealthResult.builder(NAME, unreadable.isEmpty() ? HealthStatus.UP : HealthStatus.DOWN).details(details).build();
    }
}
