package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Rolls pushes and rollbacks out beyond this server: the extension point through which a fleet (the
 * opt-in {@code hotswap-fleet} module, {@code HotswapFleet}) joins the engine, so that the engine
 * itself knows nothing of object stores. Register one with {@link HotswapBuilder#rollouts}; the
 * engine then
 * <ul>
 * <li>asks {@link #copyOf} for the fleet's copy of each database whose live path leads to nothing,
 *     before it opens its databases (a new server with an empty disk serves what the fleet
 *     serves);</li>
 * <li>calls {@link #start} at the end of {@link Hotswap#start()}, before the admin socket accepts
 *     (a server that was away catches up with its fleet before it serves); a failure fails the
 *     start, and the engine closes;</li>
 * <li>hands it what the CLI's {@code --fleet} asks for: a push is received and checked here
 *     exactly as a local push is (so a bad file fails fast, on this server), and {@link #push} gets
 *     the staged generation ({@link #check} for a dry run); {@link #rollback} gets a rollback;</li>
 * <li>calls {@link #close} when it closes, before its databases close.</li>
 * </ul>
 * The engine relays every line of {@code report} to the CLI as it comes (one line per node, say),
 * and ends the conversation with {@code OK} when every node flipped, with the result's summary as
 * the error otherwise.
 */
public interface Rollouts {

    /**
     * Joins the fleet: called once, on the started engine, before its admin socket accepts.
     *
     * @throws IOException if joining failed (wrong credentials, say): the engine does not start
     */
    void start(Hotswap engine) throws IOException;

    /**
     * The fleet's copy of {@code database}, whose live path leads to nothing at start: the file of the
     * rollout the fleet serves, so that a new server joins serving what the others serve. Called once
     * per such database, before {@link #start} and before the engine opens its databases. The engine
     * writes the copy beside the live path within its disk reserve, checks it (header,
     * {@code integrity_check}), syncs it and links it into place, then adopts it as generation 1 with
     * the copy's rollout id. Empty when the fleet serves nothing for it yet: the engine then creates an
     * empty database if allowed ({@link HotswapBuilder#createIfMissing(boolean)}), or fails its start.
     * The default: empty.
     *
     * @throws IOException if the fleet cannot tell (its store is unreachable, refuses the credentials):
     *     the engine does not start, rather than serve nothing or an empty database in the fleet's place
     */
    default Optional<Copy> copyOf(String database) throws IOException {
        return Optional.empty();
    }

    /**
     * A committed rollout's file, as {@link #copyOf} hands it to the engine.
     *
     * @param rolloutId the rollout that brought the file, recorded with the generation
     * @param size its size in bytes: claimed on the disk before anything is written, and checked
     * @param content its bytes, which the engine reads once and closes; they must throw rather than end
     *     unless they are the rollout's whole file (the fleet checks the size and SHA-256 as they pass)
     */
    record Copy(String rolloutId, long size, InputStream content) {

        /** Rejects nulls and a negative size. */
        public Copy {
            Objects.requireNonNull(rolloutId, "rolloutId");
            Objects.requireNonNull(content, "content");
            if (size < 0) {
                throw new IllegalArgumentException("size " + size + " is negative");
            }
        }
    }

    /**
     * Rolls out a push that this server has received and checked. From the call on, {@code staged}
     * belongs to the implementation, also when the call throws: it activates it
     * ({@link Hotswap#activate}) when the rollout commits, perhaps after this method returned, and
     * closes it otherwise. Called on the admin connection's thread, which waits for the result.
     *
     * @param staged the pushed file, checked against this server's live database, not current
     * @param nodes which nodes the rollout waits for
     * @param report takes lines for the operator as the rollout goes (a line may continue on further
     *     lines, as a schema diff does)
     * @throws IOException if the rollout failed in a way the result cannot say
     */
    Result push(StagedGeneration staged, Nodes nodes, Consumer<String> report) throws IOException;

    /**
     * A dry run of {@link #push} ({@code hotswap cp FILE DB --fleet --dry-run}): every node checks and
     * stages the file against its own live database, then nothing flips and every node discards it.
     * {@code staged} belongs to the implementation from the call on, as for {@link #push}. The result
     * is a success ({@link Result#everyNodeFlipped()} true) when every expected node would have gone
     * live, and fails as the push would have otherwise. The default, for a fleet that cannot ask its
     * nodes without a rollout, discards {@code staged} and fails saying so.
     *
     * @throws IOException if the dry run failed in a way the result cannot say
     */
    default Result check(StagedGeneration staged, Nodes nodes, Consumer<String> report) throws IOException {
        staged.close();
        return new Result(false, "ERROR: this fleet cannot check a push on every node; run --dry-run without"
                + " --fleet on each server");
    }

    /**
     * Rolls every node of the fleet back, as {@code hotswap rollback --fleet} asks.
     *
     * @param database the managed database
     * @param toRollout the rollout to go back to, or empty for the one served before the current one
     * @param nodes which nodes the rollout waits for
     * @param report takes lines for the operator as the rollback goes
     * @throws IOException if the rollback failed in a way the result cannot say
     */
    Result rollback(String database, Optional<String> toRollout, Nodes nodes, Consumer<String> report)
            throws IOException;

    /**
     * Leaves the fleet: rollouts this server coordinates stop (undecided ones abort), and anything
     * staged for the fleet is discarded. Called once, when the engine closes.
     */
    void close();

    /**
     * Which nodes a rollout waits for: the named ones, or those alive when it starts, at least
     * {@code atLeast} of them.
     *
     * @param named the nodes by name ({@code --nodes a,b,c}), or empty for the alive ones
     * @param atLeast with {@code named} empty, the fewest alive nodes the rollout needs
     *     ({@code --min-nodes}); with names, their number
     */
    record Nodes(List<String> named, int atLeast) {

        /** Copies {@code named}; checks the count. */
        public Nodes {
            named = List.copyOf(named);
            if (atLeast < 1 || !named.isEmpty() && atLeast != named.size()) {
                throw new IllegalArgumentException("at least " + atLeast + " of nodes " + named
                        + ": the count must be positive, and the number of names when there are names");
            }
        }

        /** The nodes alive when the rollout starts, at least one. */
        public static Nodes alive() {
            return new Nodes(List.of(), 1);
        }

        /** The nodes alive when the rollout starts, at least {@code count}. */
        public static Nodes atLeast(int count) {
            return new Nodes(List.of(), count);
        }

        /** Exactly these nodes, alive or not. */
        public static Nodes named(List<String> nodes) {
            return new Nodes(nodes, nodes.size());
        }
    }

    /**
     * How a rollout ended.
     *
     * @param everyNodeFlipped whether every expected node serves the rollout's generation now: the
     *     only success
     * @param summary one line for the operator; when not every node flipped, the error, starting
     *     with {@code "ERROR: "}
     */
    record Result(boolean everyNodeFlipped, String summary) {

        /** Rejects a null summary, and a failure whose summary does not start with {@code "ERROR: "}. */
        public Result {
            Objects.requireNonNull(summary, "summary");
            if (!everyNodeFlipped && !summary.startsWith("ERROR: ")) {
                throw new IllegalArgumentException("a failed rollout's summary must start with \"ERROR: \": " + summary);
            }
        }
    }
}
