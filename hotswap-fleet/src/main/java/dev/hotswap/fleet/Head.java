package dev.hotswap.fleet;

/**
 * The one object nodes poll (with a conditional GET): the latest rollout of a database, and what the
 * fleet serves. Written by the coordinator of {@code latest} when it starts and when it decides.
 *
 * @param latest the newest rollout id
 * @param committed the newest committed rollout id, or null if none ever committed
 * @param content the rollout whose file the fleet serves (the committed push, or a committed
 *     rollback's target), or null if none
 */
record Head(String latest, String committed, String content) {

    byte[] toBytes() {
        return KeyValues.create("head").put("latest", latest).put("committed", committed).put("content", content)
                .toBytes();
    }

    static Head parse(String key, byte[] bytes) throws FleetException {
        KeyValues v = KeyValues.parse(key, bytes);
        return new Head(v.required("latest"), v.optional("committed"), v.optional("content"));
    }
}
