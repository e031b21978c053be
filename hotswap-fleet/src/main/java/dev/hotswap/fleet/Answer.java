package dev.hotswap.fleet;

import java.time.Instant;

/**
 * A node's answer to a rollout's first phase.
 *
 * @param node the node
 * @param ok whether it staged the file (or can roll back) and is ready to flip
 * @param generation the staged (or rollback) generation on that node when ok
 * @param message the refusal, starting with {@code "ERROR: "}, when not ok
 * @param at when it answered
 */
record Answer(String node, boolean ok, long generation, String message, Instant at) {

    static Answer ok(String node, long generation) {
        return new Answer(node, true, generation, null, Instant.now());
    }

    static Answer refused(String node, String message) {
        return new Answer(node, false, 0, Messages.error(message), Instant.now());
    }

    byte[] toBytes() {
        return KeyValues.create("answer").put("node", node).put("answer", ok ? "ok" : "refused")
                .put("generation", ok ? generation : null).put("message", message).put("at", at).toBytes();
    }

    static Answer parse(String key, byte[] bytes) throws FleetException {
        KeyValues v = KeyValues.parse(key, bytes);
        boolean ok = "ok".equals(v.required("answer"));
        return new Answer(v.required("node"), ok, ok ? v.requiredLong("generation") : 0,
                ok ? null : v.required("message"), v.requiredInstant("at"));
    }
}
