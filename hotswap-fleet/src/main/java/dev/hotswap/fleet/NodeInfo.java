package dev.hotswap.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A registered node, as its registration object says (rewritten at every heartbeat).
 *
 * @param node its name
 * @param lastSeen when its registration was last written, by the store's clock
 * @param alive whether that is within the node timeout, by the store's clock: new rollouts expect it
 * @param healthy whether the node says it serves what the fleet committed
 * @param detail why it is not healthy (starting with {@code "ERROR: "}), or a short state
 * @param rollouts per database, the rollout id of its current generation ({@code -} if pushed locally)
 */
public record NodeInfo(String node, Instant lastSeen, boolean alive, boolean healthy, String detail,
        Map<String, String> rollouts) {

    /** Rejects nulls; copies {@code rollouts}, keeping its order. */
    public NodeInfo {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(detail, "detail");
        rollouts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rollouts));
    }

    /** The text a node writes as its registration. */
    static byte[] registration(String node, Instant started, boolean healthy, String detail,
            Map<String, String> rollouts) {
        KeyValues values = KeyValues.create("registration").put("node", node).put("started", started)
                .put("heartbeat", Instant.now()).put("healthy", healthy).put("detail", detail);
        rollouts.forEach((database, rollout) -> values.put("database." + database, rollout));
        return values.toBytes();
    }

    /** Reads a registration written at {@code lastSeen}; {@code storeNow} and {@code timeout} decide {@link #alive}. */
    static NodeInfo parse(String key, byte[] bytes, Instant lastSeen, Instant storeNow, Duration timeout)
            throws FleetException {
        KeyValues v = KeyValues.parse(key, bytes);
        Map<String, String> rollouts = new LinkedHashMap<>();
        for (String name : v.names()) {
            if (name.startsWith("database.")) {
                rollouts.put(name.substring("database.".length()), v.optional(name));
            }
        }
        boolean alive = !lastSeen.plus(timeout).isBefore(storeNow);
        return new NodeInfo(v.required("node"), lastSeen, alive, Boolean.parseBoolean(v.required("healthy")),
                v.required("detail"), rollouts);
    }
}
