package dev.hotswap.engine;

import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;

import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * One step of a generated sequence against one database ({@link DatabaseModelTest}). Steps that pick
 * among what exists (a job, a request, a rollback target) carry a number that the model reduces
 * modulo what exists then, so that every sequence is valid and shrinking never makes one invalid.
 */
sealed interface DatabaseOp {
    /** A push of a new, valid file (the next version). */
    record Push() implements DatabaseOp {
        @Override
        public String toString() {
            return "push a new version";
        }
    }

    /** A push the checks refuse. */
    record PushRefused(Refusal refusal) implements DatabaseOp {
        @Override
        public String toString() {
            return "push " + refusal.text;
        }
    }

    /** What a refused push sends. */
    enum Refusal {
        NOT_A_DATABASE("a file that is no database"),
        TRUNCATED("a database cut in half"),
        OTHER_SCHEMA("a database with another schema");

        final String text;

        Refusal(String text) {
            this.text = text;
        }
    }

    /** {@code hotswap rollback}: to the generation current just before. */
    record Rollback() implements DatabaseOp {
        @Override
        public String toString() {
            return "rollback";
        }
    }

    /**
     * {@code hotswap rollback --to}: among the earlier generations on disk (most recent first), then
     * the current one, then one that never existed, the {@code choice} modulo their number.
     */
    record RollbackTo(int choice) implements DatabaseOp {
        @Override
        public String toString() {
            return "rollback --to (choice " + choice + ")";
        }
    }

    /** A scheduled job, outside any request, takes a connection, writes a row and keeps it. */
    record JobTake() implements DatabaseOp {
        @Override
        public String toString() {
            return "a job takes a connection and writes a row";
        }
    }

    /** A job writes another row through the connection it holds. */
    record JobWrite(int which) implements DatabaseOp {
        @Override
        public String toString() {
            return "job #" + which + " writes a row";
        }
    }

    /** A job closes its connection. */
    record JobRelease(int which) implements DatabaseOp {
        @Override
        public String toString() {
            return "job #" + which + " closes its connection";
        }
    }

    /**
     * A job closes its connection on a thread of its own while {@code rollback --to} its generation
     * runs: the retirement (keep may delete the file) races the rollback.
     */
    record RollbackRacingRelease(int which) implements DatabaseOp {
        @Override
        public String toString() {
            return "job #" + which + " closes its connection while a rollback --to its generation runs";
        }
    }

    /** A request enters the gate and stays. */
    record RequestEnter() implements DatabaseOp {
        @Override
        public String toString() {
            return "a request enters";
        }
    }

    /** A request writes a row on a connection of its generation. */
    record RequestWrite(int which) implements DatabaseOp {
        @Override
        public String toString() {
            return "request #" + which + " writes a row";
        }
    }

    /** A request leaves. */
    record RequestLeave(int which) implements DatabaseOp {
        @Override
        public String toString() {
            return "request #" + which + " leaves";
        }
    }

    /** A write outside any request, on a connection taken and closed at once. */
    record Write() implements DatabaseOp {
        @Override
        public String toString() {
            return "a write outside any request";
        }
    }

    /** The wall clock steps by {@code hours} (NTP, a VM restore). */
    record ClockStep(int hours) implements DatabaseOp {
        @Override
        public String toString() {
            return "the clock steps " + (hours > 0 ? "forward " : "back ") + Math.abs(hours) + " h";
        }
    }

    /** The {@code call}-th disk call (from 1, named steps not counted) of the next step fails with {@code errno}. */
    record Fail(Errno errno, int call) implements DatabaseOp {
        @Override
        public String toString() {
            return "the next step's disk call #" + call + " fails with " + errno;
        }
    }

    /** The injected errors. */
    enum Errno { EIO, ENOSPC, EACCES }

    /** The engine dies at the {@code call}-th disk call or named step (from 1) of the next step; a new one starts. */
    record Crash(int call) implements DatabaseOp {
        @Override
        public String toString() {
            return "the engine crashes at disk call #" + call + " of the next step, and a new one starts";
        }
    }

    /** The engine closes and a new one starts on the same files. */
    record Restart() implements DatabaseOp {
        @Override
        public String toString() {
            return "restart";
        }
    }

    /**
     * A generated sequence.
     *
     * @param keep the keep policy, 0 to 3
     * @param wal whether the database is in WAL mode (else rollback-journal mode)
     * @param steps what happens, in order
     */
    record Sequence(int keep, boolean wal, List<DatabaseOp> steps) {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("keep " + keep + ", " + (wal ? "WAL" : "rollback journal") + ", "
                    + steps.size() + " steps:");
            for (int i = 0; i < steps.size(); i++) {
                text.append("\n  ").append(i + 1).append(". ").append(steps.get(i));
            }
            return text.toString();
        }
    }

    /**
     * Sequences of up to {@code maxGroups} groups of steps: one step, or a fault (a failure or a
     * crash) and a step that touches the disk, so that most faults hit something. The groups shrink
     * as units.
     */
    static Gen<Sequence> sequences(int maxGroups) {
        Gen<List<DatabaseOp>> steps = lists().of(group()).ofSizeBetween(1, maxGroups)
                .map(groups -> groups.stream().flatMap(List::stream).toList());
        return integers().between(0, 3).zip(booleans().all(), steps, Sequence::new);
    }

    @SuppressWarnings("unchecked")
    private static Gen<List<DatabaseOp>> group() {
        Gen<DatabaseOp> fault = Generate.frequency(List.of(
                Pair.of(3, Generate.enumValues(Errno.class).zip(integers().between(1, 16), Fail::new)),
                Pair.of(2, integers().between(1, 24).map(Crash::new))));
        return Generate.frequency(List.of(
                Pair.of(6, any().map(op -> List.<DatabaseOp>of(op))),
                Pair.of(1, fault.zip(touchingTheDisk(), (f, op) -> List.<DatabaseOp>of(f, op)))));
    }

    /** One step; swaps and holds are the common case. */
    @SuppressWarnings("unchecked")
    static Gen<DatabaseOp> any() {
        Gen<Integer> which = integers().between(0, 7);
        return Generate.frequency(List.of(
                Pair.of(8, Generate.constant(new Push())),
                Pair.of(2, Generate.enumValues(Refusal.class).map(PushRefused::new)),
                Pair.of(5, Generate.constant(new Rollback())),
                Pair.of(3, which.map(RollbackTo::new)),
                Pair.of(3, Generate.constant(new JobTake())),
                Pair.of(2, which.map(JobWrite::new)),
                Pair.of(3, which.map(JobRelease::new)),
                Pair.of(2, which.map(RollbackRacingRelease::new)),
                Pair.of(3, Generate.constant(new RequestEnter())),
                Pair.of(2, which.map(RequestWrite::new)),
                Pair.of(3, which.map(RequestLeave::new)),
                Pair.of(2, Generate.constant(new Write())),
                Pair.of(1, integers().between(-3, 3).assuming(hours -> hours != 0).map(ClockStep::new)),
                Pair.of(1, Generate.constant(new Restart()))));
    }

    /** A step that touches the disk (a swap, maybe a retirement, a start). */
    @SuppressWarnings("unchecked")
    private static Gen<DatabaseOp> touchingTheDisk() {
        Gen<Integer> which = integers().between(0, 7);
        return Generate.frequency(List.of(
                Pair.of(5, Generate.constant(new Push())),
                Pair.of(3, Generate.constant(new Rollback())),
                Pair.of(2, which.map(RollbackTo::new)),
                Pair.of(2, which.map(JobRelease::new)),
                Pair.of(1, which.map(RollbackRacingRelease::new)),
                Pair.of(2, which.map(RequestLeave::new)),
                Pair.of(1, Generate.constant(new Restart()))));
    }
}
