package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.DatabaseStatus;
import dev.hotswap.engine.Hotswap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code hotswap} health contributor, from {@code Hotswap.status()}: for each database its
 * current generation, the kept ones, the requests in flight and the last swap.
 *
 * <p>UP while the engine runs and every database's current generation file can be read. DOWN when
 * the engine is not running (closed, or failed), or when a current generation's file cannot be read
 * (deleted or made unreadable under the running application): requests then fail or are about to.
 * A refused or failed push is not a health problem, as it leaves the live database untouched; nor is
 * an old generation that requests still hold (the engine logs a warning after
 * {@code hotswap.pin-warning}).
 */
public final class HotswapHealthIndicator extends AbstractHealthIndicator {
    private final Hotswap hotswap;

    /** The health of {@code hotswap}. */
    public HotswapHealthIndicator(Hotswap hotswap) {
        super("hotswap health check failed");
        this.hotswap = Objects.requireNonNull(hotswap, "hotswap");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<String> unreadable = new ArrayList<>();
        for (DatabaseStatus status : hotswap.status()) {
            DatabaseView view = DatabaseView.of(status);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("generation", view.current().generation());
            details.put("kept", view.kept().stream().map(DatabaseView.Generation::generation).toList());
            details.put("requests", view.requests());
            details.put("lastSwap", view.lastSwap());
            builder.withDetail(status.name(), details);
            if (view.current().bytes() < 0) {
                unreadable.add(view.current().file());
            }
        }
        if (unreadable.isEmpty()) {
            builder.up();
        } else {
            builder.down().withDetail("unreadable", unreadable);
        }
    }
}
