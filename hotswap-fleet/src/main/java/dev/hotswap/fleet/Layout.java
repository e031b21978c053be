package dev.hotswap.fleet;

/**
 * The object keys of a fleet, all in one place ({@code docs/fleet.md} draws the same tree):
 * <pre>
 * PREFIX/nodes/NODE                                   registration and heartbeat (written by NODE)
 * PREFIX/databases/DB/head                            latest rollout, newest committed one (coordinator)
 * PREFIX/databases/DB/rollouts/ID/manifest            what the rollout is (coordinator, created once)
 * PREFIX/databases/DB/rollouts/ID/database.sqlite3    the file of a push (coordinator)
 * PREFIX/databases/DB/rollouts/ID/answers/NODE        ok or the refusal (written by NODE)
 * PREFIX/databases/DB/rollouts/ID/decision            commit or abort (coordinator, created once)
 * PREFIX/databases/DB/rollouts/ID/flips/NODE          flipped with its pause, or why not (NODE)
 * PREFIX/probe/NODE                                   conditional-write probe (NODE as coordinator)
 * </pre>
 * Every key has one writer at a time, so no compare-and-swap is needed; the two "created once" keys
 * are written with {@code If-None-Match: *} where the store supports it.
 */
record Layout(String prefix) {

    String nodes() {
        return prefix + "/nodes/";
    }

    String node(String node) {
        return nodes() + node;
    }

    String probe(String node) {
        return prefix + "/probe/" + node;
    }

    String head(String database) {
        return database(database) + "head";
    }

    String rollouts(String database) {
        return database(database) + "rollouts/";
    }

    String manifest(String database, String rollout) {
        return rollout(database, rollout) + "manifest";
    }

    String file(String database, String rollout) {
        return rollout(database, rollout) + "database.sqlite3";
    }

    String answers(String database, String rollout) {
        return rollout(database, rollout) + "answers/";
    }

    String answer(String database, String rollout, String node) {
        return answers(database, rollout) + node;
    }

    String decision(String database, String rollout) {
        return rollout(database, rollout) + "decision";
    }

    String flips(String database, String rollout) {
        return rollout(database, rollout) + "flips/";
    }

    String flip(String database, String rollout, String node) {
        return flips(database, rollout) + node;
    }

    private String database(String database) {
        return prefix + "/databases/" + database + "/";
    }

    private String rollout(String database, String rollout) {
        return rollouts(database) + rollout + "/";
    }

    /** The last segment of {@code key}: the node of an answer or flip key. */
    static String lastSegment(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
