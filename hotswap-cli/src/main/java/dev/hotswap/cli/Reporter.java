package dev.hotswap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Everything the command says on stderr: status lines, errors, and, when stderr is a terminal, one
 * live progress line (phase, bytes, MiB/s, elapsed time) for transfers that take longer than about
 * a second. Status lines from several threads (the upload and the server's frames) never interleave
 * with each other or with the progress line. Without a terminal there is no progress line at all.
 */
final class Reporter {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final long REDRAW_MILLIS = 250;
    private static final String CLEAR_LINE = "\r\033[K";

    private final OutputStream stderr;
    private final boolean tty;

    private volatile long bytes;
    private volatile long pagesCompared;
    private volatile long pagesSent;
    private boolean pageMode;
    private long total;
    private String transferPhase;
    private String phase;
    private long started;
    private long phaseStarted;
    private boolean running;
    private boolean lineShown;

    Reporter(OutputStream stderr, boolean tty) {
        this.stderr = stderr;
        this.tty = tty;
    }

    /** Prints one status line (or several, for a multi-line text). */
    synchronized void status(String text) {
        clearLine();
        print(text.endsWith("\n") ? text : text + "\n");
    }

    /** Prints an error; its first line starts with {@code ERROR: }. */
    synchronized void error(String message) {
        status(message.startsWith(CommandFailure.PREFIX) ? message : CommandFailure.PREFIX + message);
    }

    /**
     * Starts measuring a transfer of {@code total} bytes ({@code -1} if unknown) in {@code phase};
     * on a terminal, a progress line appears once it has run for about a second.
     */
    synchronized void startProgress(String phase, long total) {
        this.pageMode = false;
        this.transferPhase = phase;
        this.phase = phase;
        this.total = total;
        this.bytes = 0;
        this.started = System.nanoTime();
        this.phaseStarted = started;
        if (tty && !running) {
            running = true;
            Thread ticker = new Thread(this::tick, "hotswap-progress");
            ticker.setDaemon(true);
            ticker.start();
        }
    }

    /**
     * The server entered {@code phase} ({@code upload}, {@code integrity check}, ...). After the
     * transfer, the progress line shows the phase and how long it has run.
     */
    synchronized void phase(String phase) {
        if (!phase.equals(this.phase)) {
            this.phase = phase;
            this.phaseStarted = System.nanoTime();
        }
    }

    /**
     * Starts measuring a delta transfer of {@code total} pages ({@code -1} if unknown) in
     * {@code phase}: the progress line counts pages compared and pages sent instead of bytes.
     */
    synchronized void startPages(String phase, long total) {
        startProgress(phase, total);
        pageMode = true;
        pagesCompared = 0;
        pagesSent = 0;
    }

    /** {@code n} more pages compared; cheap enough to call for every page. */
    void pagesCompared(long n) {
        pagesCompared += n; // one thread counts
    }

    /** {@code n} more pages sent (or received); cheap enough to call for every run of pages. */
    void pagesSent(long n) {
        pagesSent += n; // one thread counts
    }

    /** The progress line of a delta, e.g. {@code compare  12000 of 250000 pages compared, 120 sent  1.20 s}. */
    static String renderPages(String phase, long compared, long sent, long total, long elapsedNanos) {
        StringBuilder line = new StringBuilder(phase);
        if (compared > 0 || total > 0) {
            line.append("  ").append(compared);
            if (total > 0) {
                line.append(" of ").append(total);
            }
            line.append(" pages compared,");
        }
        line.append("  ").append(sent).append(" pages sent  ").append(Quantities.duration(elapsedNanos));
        return line.toString();
    }

    /** Bytes transferred so far; cheap enough to call for every chunk. */
    void bytes(long bytes) {
        this.bytes = bytes;
    }

    /** Removes the progress line, if any, and stops redrawing it. */
    synchronized void stopProgress() {
        running = false;
        clearLine();
        notifyAll();
    }

    /** The progress line, e.g. {@code upload  45.2 MiB of 120.0 MiB  38%  52.1 MiB/s  0.87 s}. */
    static String render(String phase, long bytes, long total, long elapsedNanos) {
        StringBuilder line = new StringBuilder(phase == null ? "transfer" : phase);
        line.append("  ").append(Quantities.bytes(bytes));
        if (total > 0) {
            line.append(" of ").append(Quantities.bytes(total));
            line.append(String.format(Locale.ROOT, "  %d%%", Math.min(100, bytes * 100 / total)));
        }
        line.append("  ").append(Quantities.rate(bytes, elapsedNanos));
        line.append("  ").append(Quantities.duration(elapsedNanos));
        return line.toString();
    }

    /** The progress line after the transfer, e.g. {@code integrity check  2.31 s}. */
    static String renderPhase(String phase, long phaseNanos) {
        return phase + "  " + Quantities.duration(phaseNanos);
    }

    private synchronized void tick() {
        while (running) {
            long now = System.nanoTime();
            if (now - started >= SHOW_AFTER_NANOS) {
                String line = phase != null && !phase.equals(transferPhase) ? renderPhase(phase, now - phaseStarted)
                        : pageMode ? renderPages(phase, pagesCompared, pagesSent, total, now - started)
                        : render(phase, bytes, total, now - started);
                print("\r" + line + "\033[K");
                lineShown = true;
            }
            try {
                wait(REDRAW_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void clearLine() {
        if (lineShown) {
            print(CLEAR_LINE);
            lineShown = false;
        }
    }

    private void print(String text) {
        try {
            stderr.write(text.getBytes(StandardCharsets.UTF_8));
            stderr.flush();
        } catch (IOException e) {
            // stderr is gone: there is nowhere left to say anything
        }
    }
}
