package dev.hotswap.bench;

import java.util.Arrays;

/**
 * The reads of one reader thread, in the order it made them: five {@link System#nanoTime()} stamps
 * each (before {@code enter()}, after it, after {@code getConnection()}, before and after
 * {@code leave()}) and the version of the file it read. Written by its reader only; read after the reader was joined.
 */
final class ReadLog {
    private long[] start = new long[1 << 14];
    private long[] entered = new long[1 << 14];
    private long[] connected = new long[1 << 14];
    private long[] leaving = new long[1 << 14];
    private long[] end = new long[1 << 14];
    private int[] version = new int[1 << 14];
    private int size;

    void add(long startNanos, long enteredNanos, long connectedNanos, long leavingNanos, long endNanos,
            int fileVersion) {
        if (size == start.length) {
            int capacity = size * 2;
            start = Arrays.copyOf(start, capacity);
            entered = Arrays.copyOf(entered, capacity);
            connected = Arrays.copyOf(connected, capacity);
            leaving = Arrays.copyOf(leaving, capacity);
            end = Arrays.copyOf(end, capacity);
            version = Arrays.copyOf(version, capacity);
        }
        start[size] = startNanos;
        entered[size] = enteredNanos;
        connected[size] = connectedNanos;
        leaving[size] = leavingNanos;
        end[size] = endNanos;
        version[size] = fileVersion;
        size++;
    }

    int size() {
        return size;
    }

    /** Just before {@code gate.enter()}. */
    long start(int i) {
        return start[i];
    }

    /** Just after {@code gate.enter()} returned. */
    long entered(int i) {
        return entered[i];
    }

    /** Just after {@code getConnection()} returned. */
    long connected(int i) {
        return connected[i];
    }

    /** Just before {@code pin.leave()}, the connection closed. */
    long leaving(int i) {
        return leaving[i];
    }

    /** Just after {@code pin.leave()} returned. */
    long end(int i) {
        return end[i];
    }

    /** The version of the file the read saw. */
    int version(int i) {
        return version[i];
    }

    /** The index of the first read that started at or after {@code nanos}, or {@link #size()}. */
    int firstStartingAt(long nanos) {
        int low = 0;
        int high = size;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (start[middle] - nanos < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
