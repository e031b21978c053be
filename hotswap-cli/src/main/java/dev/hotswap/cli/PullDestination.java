package dev.hotswap.cli;

import java.io.IOException;
import java.io.OutputStream;

/** Where a pulled database goes: a file, written atomically, or stdout. */
interface PullDestination {

    /** Starts writing; the stream is the destination's own and is not closed by the caller. */
    OutputStream open() throws IOException;

    /** The whole database arrived and the server confirmed it: make it the destination. */
    void commit() throws IOException;

    /** The pull failed or was interrupted: leave nothing behind. Safe from any thread, repeatedly. */
    void discard();

    /** The destination for messages: a path or {@code stdout}. */
    String describe();

    /** What a failed pull leaves at the destination, for the error message. */
    String afterFailure();

    /** Stdout: written as the data arrives, so a failed pull leaves incomplete output there. */
    static PullDestination stdout(OutputStream stdout) {
        return new PullDestination() {
            @Override
            public OutputStream open() {
                return stdout;
            }

            @Override
            public void commit() throws IOException {
                stdout.flush();
            }

            @Override
            public void discard() {
                try {
                    stdout.flush();
                } catch (IOException e) {
                    // the reader of our stdout is gone; the error says the output is incomplete
                }
            }

            @Override
            public String describe() {
                return "stdout";
            }

            @Override
            public String afterFailure() {
                return "the output on stdout is incomplete";
            }
        };
    }
}
