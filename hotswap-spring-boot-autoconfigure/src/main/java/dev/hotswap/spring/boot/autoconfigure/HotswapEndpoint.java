package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.DatabaseStatus;
import dev.hotswap.engine.Hotswap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/hotswap}: every managed database, its generations and its last swap
 * ({@link DatabaseView}), by name; {@code /actuator/hotswap/{database}} one of them. Read-only on
 * purpose: pushes and rollbacks go through the admin socket only, which checks who asks.
 */
@Endpoint(id = "hotswap")
public final class HotswapEndpoint {
    private final Hotswap hotswap;

    /** The endpoint of {@code hotswap}. */
    public HotswapEndpoint(Hotswap hotswap) {
        this.hotswap = Objects.requireNonNull(hotswap, "hotswap");
    }

    /** Every managed database, in the order configured. */
    @ReadOperation
    public Databases databases() {
        Map<String, DatabaseView> databases = new LinkedHashMap<>();
        for (DatabaseStatus status : hotswap.status()) {
            databases.put(status.name(), DatabaseView.of(status));
        }
        return new Databases(databases);
    }

    /** One managed database, or null (404) if none has that name. */
    @ReadOperation
    public DatabaseView database(@Selector String name) {
        for (DatabaseStatus status : hotswap.status()) {
            if (status.name().equals(name)) {
                return DatabaseView.of(status);
            }
        }
        return null;
    }

    /**
     * What {@code /actuator/hotswap} answers.
     *
     * @param databases every managed database by name
     */
    public record Databases(Map<String, DatabaseView> databases) {
    }
}
