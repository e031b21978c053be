package dev.hotswap.cli;

import dev.hotswap.protocol.CatchUpPass;
import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import java.io.IOException;

/**
 * The catch-up passes a server may send after the stream of a pull into a file (protocol 3): it streamed a rollback-journal database's live file in short read
 * transactions, a commit landed between two of them, and each pass patches the pulled file with
 * what changed, until one ends with the digest of one committed state, which the file must match
 * ({@link CatchUpPass}). Without a commit in between, no pass comes: the server's {@code EXIT} follows.
 */
final class CatchUpPasses {
    private CatchUpPasses() {
    }

    /** What the passes did: how many, and the bytes they patched. */
    record Outcome(int passes, long bytesPatched) {
    }

    /**
     * Applies every pass that comes before the server's next control frame (its {@code EXIT}),
     * relaying {@code STATUS} and {@code PHASE} frames.
     *
     * @throws IOException from the connection, a corrupt pass, or the file
     */
    static Outcome apply(Connection connection, Reporter reporter, FileDestination destination) throws IOException {
        FrameReader reader = connection.reader();
        int passes = 0;
        long patched = 0;
        while (true) {
            FrameType next = reader.peek();
            if (next == FrameType.STATUS || next == FrameType.PHASE) {
                Frame frame = reader.read();
                Connection.relay(frame, reporter);
            } else if (next == FrameType.DATA_OUT || next == FrameType.COMPRESSED || next == FrameType.END) {
                DataFrameInputStream pass = new DataFrameInputStream(reader, FrameType.DATA_OUT,
                        frame -> Connection.relay(frame, reporter));
                CatchUpPass.Applied applied = CatchUpPass.apply(pass, destination.patchable());
                passes++;
                patched += applied.bytesPatched();
                if (applied.complete()) {
                    return new Outcome(passes, patched);
                }
            } else {
                return new Outcome(passes, patched); // EXIT, or the end: the caller reads it
            }
        }
    }
}
