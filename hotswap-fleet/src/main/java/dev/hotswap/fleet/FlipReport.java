package dev.hotswap.fleet;

import java.time.Instant;

/**
 * What a node did on a commit: flipped (with its pause), or why it could not.
 *
 * @param node the node
 * @param flipped whether the rollout's generation is current there now
 * @param pauseMicros the flip's pause in microseconds when flipped
 * @param generation the generation now current when flipped
 * @param message why not, starting with {@code "ERROR: "}, when not flipped
 * @param caughtUp whether the node flipped while catching up (it had not answered the rollout)
 * @param at when the flip happened (or failed), by the node's clock
 */
record FlipReport(String node, boolean flipped, long pauseMicros, long generation, String message, boolean caughtUp,
        Instant at) {

    static FlipReport flipped(String node, long pauseMicros, long generation, boolean caughtUp) {
        return new FlipReport(node, true, pauseMicros, generation, null, caughtUp, Instant.now());
    }

    static FlipReport failed(String node, String message, boolean caughtUp) {
        return new FlipReport(node, false, 0, 0, Messages.error(message), caughtUp, Instant.now());
    }

    byte[] toBytes() {
        return KeyValues.create("flip").put("node", node).put("flip", flipped ? "flipped" : "failed")
                .put("pauseMicros", flipped ? pauseMicros : null).put("generation", flipped ? generation : null)
                .put("message", message).put("caughtUp", caughtUp).put("at", at).toBytes();
    }

    static FlipReport parse(String key, byte[] bytes) throws FleetException {
        KeyValues v = KeyValues.parse(key, bytes);
        boolean flipped = "flipped".equals(v.required("flip"));
        return new FlipReport(v.required("node"), flipped, flipped ? v.requiredLong("pauseMicros") : 0,
                flipped ? v.requiredLong("generation") : 0, flipped ? null : v.required("message"),
                Boolean.parseBoolean(v.optional("caughtUp")), v.requiredInstant("at"));
    }
}
