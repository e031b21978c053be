package dev.hotswap.quarkus;

import dev.hotswap.engine.DatabaseStatus;
import dev.hotswap.engine.Hotswap;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The {@code hotswap} readiness check (added when the application has SmallRye Health), from
 * {@code Hotswap.status()}: for each database its current generation and the requests in flight.
 * UP while the engine runs and every current generation's file can be read; DOWN when the engine is
 * closed, or a current file was deleted or made unreadable under the running application. A refused
 * push is not a health problem: it leaves the live database untouched.
 */
@Readiness
@ApplicationScoped
public class HotswapReadinessCheck implements HealthCheck {
    private final Hotswap hotswap;

    HotswapReadinessCheck(Hotswap hotswap) {
        this.hotswap = hotswap;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("hotswap");
        List<DatabaseStatus> databases;
        try {
            databases = hotswap.status();
        } catch (IllegalStateException notRunning) {
            return response.down().withData("error", String.valueOf(notRunning.getMessage())).build();
        }
        List<String> unreadable = new ArrayList<>();
        for (DatabaseStatus status : databases) {
            response.withData(status.name() + ".generation", status.current().id());
            response.withData(status.name() + ".requests", status.requests());
            if (status.current().bytes() < 0) {
                unreadable.add(status.current().file().toString());
            }
        }
        if (!unreadable.isEmpty()) {
            return response.down().withData("unreadable", String.join(", ", unreadable)).build();
        }
        return response.up().build();
    }
}
