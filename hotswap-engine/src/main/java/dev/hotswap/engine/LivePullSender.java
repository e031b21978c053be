package dev.hotswap.engine;

import java.io.IOException;
import java.sql.SQLException;

import dev.hotswap.protocol.CatchUpPass;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;

/**
 * A pull into a client's file (protocol 3, a destination other than {@code -}) of a rollback-journal
 * database: the live file streamed in short read transactions, then the catch-up passes a commit
 * between two of them calls for ({@link LiveFilePull}), each its own data stream. No temp copy, no disk space:
 * nothing is claimed from the disk budget. The generation is held meanwhile, so a swap neither
 * closes nor deletes it.
 */
final class LivePullSender {
    private static final System.Logger LOG = System.getLogger(LivePullSender.class.getName());

    private LivePullSender() {
    }

    /**
     * Sends {@code db}'s current generation to {@code out} if it is in rollback-journal mode.
     *
     * @return false (nothing sent) for a WAL database: the caller sends a snapshot instead
     * @throws IOException if reading the file or sending failed; the data stream is then unfinished
     */
    static boolean trySend(ManagedDatabase db, FrameWriter out, Progress progress) throws IOException {
        Generation generation = db.holdCurrent();
        try {
            if (JournalMode.isWal(generation.file())) {
                return false;
            }
            long start = System.nanoTime();
            progress.status("streaming the live file under read transactions of "
                    + (LiveFilePull.CHUNK >> 20) + " MiB: no copy");
            try (LiveFileChunks chunks = new LiveFileChunks(generation.file(), () -> { })) {
                LiveFilePull pull = new LiveFilePull(chunks, LiveFilePull.CHUNK);
                DataFrameOutputStream data = new DataFrameOutputStream(out, FrameType.DATA_OUT);
                boolean done = pull.stream(data);
                data.finish();
                long sent = data.byteCount();
                while (!done) {
                    progress.phase("catch-up");
                    data = new DataFrameOutputStream(out, FrameType.DATA_OUT);
                    done = pull.catchUp(new CatchUpPass.Writer(data));
                    data.finish();
                }
                String line = "live file of generation " + generation.id() + ": " + sent + " bytes in "
                        + chunks.transactions() + " read transactions, " + pull.passes() + " catch-up passes ("
                        + pull.bytesPatched() + " bytes), " + (System.nanoTime() - start) / 1_000_000 + " ms";
                LOG.log(System.Logger.Level.INFO, db.name() + ": pull of the " + line);
                progress.status(line);
            } catch (SQLException e) {
                throw new IOException("reading " + db.name() + " failed: " + e.getMessage(), e);
            }
            return true;
        } finally {
            generation.release();
        }
    }
}
