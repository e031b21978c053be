package dev.hotswap.fleet;

/**
 * Whether a node serves what the fleet committed: the data behind an app's health check.
 *
 * @param healthy true once the node has caught up with the fleet and while no committed rollout
 *     failed to apply here; a store that becomes unreachable later does not make a caught-up node
 *     unhealthy (it keeps serving what it has; that is said in {@code detail})
 * @param detail {@code "in sync"}, or what is wrong, starting with {@code "ERROR: "}
 */
public record FleetHealth(boolean healthy, String detail) {
}
