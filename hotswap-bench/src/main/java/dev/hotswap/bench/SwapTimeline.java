package dev.hotswap.bench;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The readers' reads laid against the pushes, to show what a swap does to requests.
 *
 * <p><b>When each flip happened</b>, from the reads alone: a read that saw the old file pinned the
 * old generation, so the flip came after it started; a read that saw the new file pinned after the
 * flip, so the flip came before its {@code enter()} returned. The latest start of an old read and the
 * earliest {@code enter()} return of a new read, both during {@code activate()}, bracket the flip.
 *
 * <p><b>Each read falls in one category</b>, the first that fits: the reader's first read on a new
 * generation; in flight at a flip (it saw the old file and left after the bracket); in flight halfway
 * through {@code stage()}, a control instant with no flip: a read in flight at a given instant is more
 * likely a long one (a preempted one, on a loaded machine), so the reads at a flip are compared with
 * the reads at another instant of the same push, not with all reads; during a push (it overlapped
 * {@code stage()} or {@code activate()}); between pushes. Only reads that started after the first
 * measured push began count.
 */
final class SwapTimeline {

    /** What a read had to do with a swap. */
    enum Category {
        FIRST_ON_NEW("first read of a reader on the new generation"),
        AT_FLIP("in flight at a flip (pinned the old generation, left after the flip)"),
        AT_CONTROL("in flight halfway through `stage()` (the control: an instant with no flip)"),
        DURING_PUSH("other reads during a push (`stage()` or `activate()` running)"),
        BETWEEN_PUSHES("between pushes");

        final String description;

        Category(String description) {
            this.description = description;
        }
    }

    /**
     * The reads of one category, in nanoseconds.
     *
     * @param latency from before {@code enter()} to after {@code leave()}
     * @param enter {@code enter()} alone
     * @param connect {@code getConnection()} alone
     * @param leave {@code leave()} alone
     */
    record Reads(Distribution latency, Distribution enter, Distribution connect, Distribution leave) {
    }

    /**
     * The readers' own view of when the old generation was released: the last read of the old file
     * left this long after the flip (0 when it left before the flip), each known to within the
     * flip's bracket.
     *
     * @param released per push, from the middle of the flip's bracket, ns
     * @param bracket per push, the width of the flip's bracket, ns
     */
    record Release(Distribution released, Distribution bracket) {
    }

    private final Map<Category, Reads> reads;
    private final Release release;

    private SwapTimeline(Map<Category, Reads> reads, Release release) {
        this.reads = reads;
        this.release = release;
    }

    /** The reads of every category (present, maybe empty). */
    Map<Category, Reads> reads() {
        return reads;
    }

    Release release() {
        return release;
    }

    /** Lays the reads of {@code logs} against the measured {@code pushes} (in push order). */
    static SwapTimeline of(List<PushSample> pushes, List<ReadLog> logs) {
        int n = pushes.size();
        long[] lower = new long[n];
        long[] upper = new long[n];
        long[] lastOldLeave = new long[n];
        for (int p = 0; p < n; p++) {
            PushSample push = pushes.get(p);
            lower[p] = push.staged();
            upper[p] = push.end();
            lastOldLeave[p] = Long.MIN_VALUE;
            for (ReadLog log : logs) {
                bracket(push, log, p, lower, upper, lastOldLeave);
            }
        }
        Map<Category, Samples[]> samples = new EnumMap<>(Category.class);
        for (Category category : Category.values()) {
            samples.put(category, new Samples[] {new Samples(), new Samples(), new Samples(), new Samples()});
        }
        long measuredFrom = n == 0 ? Long.MAX_VALUE : pushes.get(0).start();
        for (ReadLog log : logs) {
            classify(pushes, log, upper, measuredFrom, samples);
        }
        Map<Category, Reads> reads = new EnumMap<>(Category.class);
        samples.forEach((category, s) -> reads.put(category,
                new Reads(s[0].distribution(), s[1].distribution(), s[2].distribution(), s[3].distribution())));

        Samples released = new Samples();
        Samples width = new Samples();
        for (int p = 0; p < n; p++) {
            if (logs.isEmpty()) {
                break;
            }
            width.add(upper[p] - lower[p]);
            long middle = lower[p] + (upper[p] - lower[p]) / 2;
            released.add(lastOldLeave[p] == Long.MIN_VALUE ? 0 : Math.max(0, lastOldLeave[p] - middle));
        }
        return new SwapTimeline(reads, new Release(released.distribution(), width.distribution()));
    }

    /** Narrows push {@code p}'s flip bracket with {@code log}'s reads, and finds its last old read. */
    private static void bracket(PushSample push, ReadLog log, int p, long[] lower, long[] upper,
            long[] lastOldLeave) {
        // A read that started before the push may still be in flight at the flip: begin with it.
        for (int i = Math.max(0, log.firstStartingAt(push.start()) - 1); i < log.size(); i++) {
            if (log.start(i) - push.end() > 0) {
                break;
            }
            if (log.version(i) == push.oldVersion()) {
                lastOldLeave[p] = Math.max(lastOldLeave[p], log.end(i));
                if (log.start(i) - lower[p] > 0) {
                    lower[p] = log.start(i);
                }
            } else if (log.version(i) == push.newVersion() && log.start(i) - push.staged() >= 0
                    && log.entered(i) - upper[p] < 0) {
                upper[p] = log.entered(i);
            }
        }
    }

    private static void classify(List<PushSample> pushes, ReadLog log, long[] flipUpper, long measuredFrom,
            Map<Category, Samples[]> samples) {
        int previousVersion = 0;
        int p = 0;
        for (int i = 0; i < log.size(); i++) {
            int version = log.version(i);
            boolean changed = previousVersion != 0 && version != previousVersion;
            previousVersion = version;
            if (log.start(i) - measuredFrom < 0) {
                continue;
            }
            while (p < pushes.size() && pushes.get(p).end() - log.start(i) < 0) {
                p++;
            }
            PushSample push = p < pushes.size() ? pushes.get(p) : null;
            boolean overlaps = push != null && log.end(i) - push.start() >= 0;
            Category category;
            if (changed) {
                category = Category.FIRST_ON_NEW;
            } else if (overlaps && version == push.oldVersion() && log.end(i) - flipUpper[p] > 0) {
                category = Category.AT_FLIP;
            } else if (overlaps && inFlightAt(log, i, push.start() + (push.staged() - push.start()) / 2)) {
                category = Category.AT_CONTROL;
            } else if (overlaps) {
                category = Category.DURING_PUSH;
            } else {
                category = Category.BETWEEN_PUSHES;
            }
            Samples[] s = samples.get(category);
            s[0].add(log.end(i) - log.start(i));
            s[1].add(log.entered(i) - log.start(i));
            s[2].add(log.connected(i) - log.entered(i));
            s[3].add(log.end(i) - log.leaving(i));
        }
    }

    private static boolean inFlightAt(ReadLog log, int i, long instant) {
        return log.start(i) - instant < 0 && log.end(i) - instant > 0;
    }

    /** A growing list of samples. */
    private static final class Samples {
        private long[] values = new long[1024];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        Distribution distribution() {
            return Distribution.of(values, size);
        }
    }
}
