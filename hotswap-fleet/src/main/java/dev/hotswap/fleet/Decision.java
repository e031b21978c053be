package dev.hotswap.fleet;

import java.time.Instant;

/**
 * A rollout's outcome, written once by its coordinator (or, for a rollout abandoned past its
 * deadline, by the next coordinator).
 *
 * @param commit whether the nodes flip
 * @param reason why it aborted (starting with {@code "ERROR: "}), null for a commit
 * @param by the node name that decided
 * @param at when
 */
record Decision(boolean commit, String reason, String by, Instant at) {

    static Decision commit(String by) {
        return new Decision(true, null, by, Instant.now());
    }

    static Decision abort(String by, String reason) {
        return new Decision(false, Messages.error(reason), by, Instant.now());
    }

    byte[] toBytes() {
        return KeyValues.create("decision").put("decision", commit ? "commit" : "abort").put("reason", reason)
                .put("by", by).put("at", at).toBytes();
    }

    static Decision parse(String key, byte[] bytes) throws FleetException {
        KeyValues v = KeyValues.parse(key, bytes);
        boolean commit = "commit".equals(v.required("decision"));
        return new Decision(commit, commit ? null : v.required("reason"), v.required("by"), v.requiredInstant("at"));
    }
}
