package dev.hotswap.fleet;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's database as the fleet sees it: the current generation and the kept ones.
 *
 * @param current the generation requests see now
 * @param kept older generations that can be rolled back to, newest first (the current one excluded)
 */
record DatabaseStatus(Generation current, List<Generation> kept) {

    /** Rejects nulls; copies {@code kept}. */
    public DatabaseStatus {
        Objects.requireNonNull(current, "current");
        kept = List.copyOf(kept);
    }

    /** The kept generation staged by rollout {@code rolloutId}, if any. */
    public Optional<Generation> keptFrom(String rolloutId) {
        return kept.stream().filter(g -> g.rolloutId().filter(rolloutId::equals).isPresent()).findFirst();
    }

    /**
     * One generation of a database.
     *
     * @param id its number on this node (numbers differ between nodes)
     * @param rolloutId the fleet rollout that brought it, empty for one pushed locally (or adopted)
     */
    public record Generation(long id, Optional<String> rolloutId) {

        /** Rejects a null rollout id option. */
        public Generation {
            Objects.requireNonNull(rolloutId, "rolloutId");
        }

        /** A generation brought by rollout {@code rolloutId} ({@code null}: pushed locally). */
        public static Generation of(long id, String rolloutId) {
            return new Generation(id, Optional.ofNullable(rolloutId));
        }
    }
}
