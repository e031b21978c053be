package dev.hotswap.fleet;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a rollout is, written once by its coordinator before anything else of it.
 *
 * @param id the rollout id, a zero-padded sequence number per database ({@code 000042})
 * @param database the database's name
 * @param kind a push of a new file or a rollback to a kept one
 * @param coordinator the node name of the coordinator
 * @param nonce random, to recognise our own manifest where the store ignores conditional writes
 * @param created when the coordinator started it
 * @param deadline when every expected node must have answered
 * @param expected the nodes that must answer ok
 * @param previous the rollout whose file the fleet served before, or null
 * @param size a push's file size in bytes ({@code 0} for a rollback)
 * @param sha256 a push's SHA-256 in hex (null for a rollback)
 * @param pageSize a push's SQLite page size ({@code 0} for a rollback)
 * @param target a rollback's target rollout (null for a push)
 */
record Manifest(String id, String database, RolloutResult.Kind kind, String coordinator, String nonce,
        Instant created, Instant deadline, List<String> expected, String previous, long size, String sha256,
        int pageSize, String target) {

    Manifest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        expected = List.copyOf(expected);
    }

    /** The rollout whose file the fleet serves once this one commits. */
    String content() {
        return kind == RolloutResult.Kind.ROLLBACK ? target : id;
    }

    byte[] toBytes() {
        return KeyValues.create("manifest").put("rollout", id).put("database", database).put("kind", kind)
                .put("coordinator", coordinator).put("nonce", nonce).put("created", created).put("deadline", deadline)
                .put("expected", String.join(",", expected)).put("previous", previous)
                .put("size", kind == RolloutResult.Kind.PUSH ? size : null).put("sha256", sha256)
                .put("pageSize", kind == RolloutResult.Kind.PUSH ? pageSize : null).put("target", target)
                .toBytes();
    }

    static Manifest parse(String key, byte[] bytes) throws FleetException {
        KeyValues v = KeyValues.parse(key, bytes);
        RolloutResult.Kind kind;
        try {
            kind = RolloutResult.Kind.valueOf(v.required("kind"));
        } catch (IllegalArgumentException e) {
            throw new FleetException(FleetException.Reason.INVALID, "malformed fleet object " + key
                    + ": kind \"" + v.optional("kind") + "\" is neither PUSH nor ROLLBACK", e);
        }
        String expected = v.required("expected");
        boolean push = kind == RolloutResult.Kind.PUSH;
        return new Manifest(v.required("rollout"), v.required("database"), kind, v.required("coordinator"),
                v.optional("nonce"), v.requiredInstant("created"), v.requiredInstant("deadline"),
                expected.isEmpty() ? List.of() : Arrays.asList(expected.split(",")), v.optional("previous"),
                push ? v.requiredLong("size") : 0, push ? v.required("sha256") : null,
                push ? (int) v.requiredLong("pageSize") : 0, push ? null : v.required("target"));
    }
}
