package dev.hotswap.cli;

import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.TransferAbortedException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/**
 * Downloads a snapshot after the server's {@code READY 'O'}: the {@code DATA_OUT} frames go to the
 * destination as they arrive, and the destination is committed only after a verified {@code END}
 * (byte count and CRC32C) and the server's {@code EXIT 0}. Anything else (an early {@code EXIT}, a
 * dropped connection, a corrupt stream, a full disk) discards what arrived.
 */
final class Pull implements Transfer {
    private final Connection connection;
    private final Reporter reporter;
    private final String database;
    private final PullDestination destination;
    private final DeltaPull delta;

    /** A pull of the whole snapshot, or, with {@code delta} (offered in the request), of the pages that differ. */
    Pull(Connection connection, Reporter reporter, String database, PullDestination destination, DeltaPull delta) {
        this.connection = connection;
        this.reporter = reporter;
        this.database = database;
        this.destination = destination;
        this.delta = delta;
    }

    /** Runs the download; returns 0 once the destination holds the whole, verified snapshot. */
    int run() throws CommandFailure {
        boolean committed = false;
        try {
            if (delta != null && runDelta()) {
                committed = true;
                return Protocol.EXIT_OK;
            }
            OutputStream out;
            try {
                out = destination.open();
            } catch (IOException e) {
                throw CommandFailure.failed("cannot write " + destination.describe() + ": " + CommandFailure.reason(e));
            }
            reporter.startProgress("snapshot", -1);
            long started = System.nanoTime();
            DataFrameInputStream data = new DataFrameInputStream(
                    connection.reader(), FrameType.DATA_OUT, frame -> Connection.relay(frame, reporter));
            byte[] buffer = new byte[Protocol.DATA_CHUNK];
            while (true) {
                int n;
                try {
                    n = data.read(buffer);
                } catch (IOException e) {
                    CommandFailure failure = CommandFailure.of(e);
                    throw isServerExit(e) ? failure
                            : new CommandFailure(failure.exitCode(),
                                    failure.getMessage() + "; " + destination.afterFailure());
                }
                if (n < 0) {
                    break;
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw CommandFailure.failed("cannot write " + destination.describe() + ": " + CommandFailure.reason(e));
                }
                reporter.bytes(data.byteCount());
            }
            CatchUpPasses.Outcome caughtUp = catchUp();
            commitOnceConfirmed();
            committed = true;
            long nanos = System.nanoTime() - started;
            reporter.status("Pulled " + database + " to " + destination.describe() + " ("
                    + Quantities.bytes(data.byteCount()) + " in " + Quantities.duration(nanos) + ", "
                    + Quantities.rate(data.byteCount(), nanos) + Quantities.onTheWire(data.byteCount(), data.wireByteCount())
                    + (caughtUp.passes() == 0 ? "" : ", then " + Quantities.bytes(caughtUp.bytesPatched())
                            + " of later commits in " + caughtUp.passes() + " catch-up passes") + ")");
            return Protocol.EXIT_OK;
        } finally {
            reporter.stopProgress();
            if (!committed) {
                destination.discard();
            }
        }
    }

    /** Applies the catch-up passes that may follow the stream of a pull into a file (protocol 3). */
    private CatchUpPasses.Outcome catchUp() throws CommandFailure {
        if (!(destination instanceof FileDestination file)) {
            return new CatchUpPasses.Outcome(0, 0);
        }
        try {
            return CatchUpPasses.apply(connection, reporter, file);
        } catch (IOException e) {
            CommandFailure failure = CommandFailure.of(e);
            throw isServerExit(e) ? failure
                    : new CommandFailure(failure.exitCode(), failure.getMessage() + "; " + destination.afterFailure());
        }
    }

    /** Waits for the server's EXIT 0, then makes the pulled file the destination. */
    private void commitOnceConfirmed() throws CommandFailure {
        Exit exit = connection.awaitExit(reporter);
        reporter.stopProgress();
        if (exit.code() != Protocol.EXIT_OK) {
            throw CommandFailure.of(exit);
        }
        try {
            destination.commit();
        } catch (IOException e) {
            throw CommandFailure.failed("cannot write " + destination.describe() + ": " + CommandFailure.reason(e));
        }
    }

    /** Pulls by delta; false if the server sends the whole snapshot instead. */
    private boolean runDelta() throws CommandFailure {
        long started = System.nanoTime();
        DeltaPull.Result patched;
        FileChannel copy;
        try {
            copy = ((FileDestination) destination).openChannel();
        } catch (IOException e) {
            throw CommandFailure.failed("cannot write " + destination.describe() + ": " + CommandFailure.reason(e));
        }
        try {
            patched = delta.run(copy);
        } catch (IOException e) {
            CommandFailure failure = CommandFailure.of(e);
            throw isServerExit(e) ? failure
                    : new CommandFailure(failure.exitCode(), failure.getMessage() + "; " + destination.afterFailure());
        }
        if (patched == null) {
            return false;
        }
        commitOnceConfirmed();
        long nanos = System.nanoTime() - started;
        reporter.status("Pulled " + database + " to " + destination.describe() + " by delta: " + patched.pagesReceived()
                + " of " + patched.pageCount() + " pages changed (" + Quantities.bytes(patched.bytesReceived())
                + " received" + Quantities.onTheWire(patched.bytesReceived(), patched.wireBytes()) + ") in "
                + Quantities.duration(nanos));
        return true;
    }

    @Override
    public void interrupt() {
        destination.discard();
    }

    @Override
    public String interruptedMessage() {
        return "interrupted: " + destination.afterFailure();
    }

    /** The server's own EXIT message stands as it is. */
    private static boolean isServerExit(IOException cause) {
        return cause instanceof TransferAbortedException aborted
                && aborted.frame() != null && aborted.frame().type() == FrameType.EXIT;
    }
}
