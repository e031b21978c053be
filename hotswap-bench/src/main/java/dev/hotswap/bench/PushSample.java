package dev.hotswap.bench;

import dev.hotswap.engine.SwapReport;

/**
 * One measured push, done as {@code push()} does it: {@code stage()} (receive, checks, the file
 * made durable under its generation name), then {@code activate()} (the swap, the wait for the old
 * generation's release, pruning). Times are {@link System#nanoTime()} stamps taken by the pushing
 * thread.
 *
 * @param oldVersion the version of the file current before
 * @param newVersion the version of the pushed file
 * @param start just before {@code stage()}
 * @param staged just after {@code stage()} returned, just before {@code activate()}
 * @param end just after {@code activate()} returned
 * @param report what the engine reported
 */
record PushSample(int oldVersion, int newVersion, long start, long staged, long end, SwapReport report) {

    /** {@code stage()} less the report's receive and checks: making the file a durable generation. */
    long installNanos() {
        return staged - start - report.receive().toNanos() - report.integrityCheck().toNanos()
                - report.schemaCheck().toNanos();
    }

    /** {@code activate()} less the report's swap: waiting for the release, pruning, the report. */
    long afterSwapNanos() {
        return end - staged - report.swap().toNanos();
    }
}
