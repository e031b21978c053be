package dev.hotswap.fleet;

/**
 * The one object nodes poll (with a conditional GET): the latest rollout of a database, and what the
 * fleet serves. Written by the coordinator of {@code latest} when it starts and when it decides.
 * Readers take a commit decision of {@code latest} that the head does not show yet as the truth
 * ({@link #withLatestCommitted}), so that the head never takes the fleet behind a decision.
 *
 * @param latest the newest rollout id
 * @param committed the newest committed rollout id, or null if none ever committed
 * @param content the rollout whose file the fleet serves (the committed push, or a committed
 *     rollback's target), or null if none
 */
record Head(String latest, String committed, String content) {

    /** Whether the head shows {@code latest} as committed already. */
    boolean showsLatestCommitted() {
        return latest.equals(committed);
    }

    /**
     * This head as it is once rollout {@code latest}, whose commit decision the head does not show,
     * is counted: its coordinator writes the decision first and the head after, and may stop between
     * the two (it died, or the head write failed). The decisions are the truth; the head catches up.
     */
    Head withLatestCommitted(Manifest latestManifest) {
        if (!latestManifest.id().equals(latest)) {
            throw new IllegalArgumentException("manifest " + latestManifest.id() + " is not the head's latest " + latest);
        }
        return new Head(latest, latest, latestManifest.content());
    }

    byte[] toBytes() {
        return KeyValues.create("head").put("latest", latest).put("committed", committed).put("content", content)
                .toBytes();
    }

    static Head parse(String key, byte[] bytes) throws FleetException {
        KeyValues v = KeyValues.parse(key, bytes);
        return new Head(v.required("latest"), v.optional("committed"), v.optional("content"));
    }
}
