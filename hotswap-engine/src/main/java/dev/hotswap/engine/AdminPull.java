package dev.hotswap.engine;

import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FileMode;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.Ready;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * The server side of one pull in an {@link AdminConnection}: {@code READY}, then the file from the
 * live database without a copy when a catch-up may have one ({@link LivePullSender}), else a
 * consistent snapshot sent whole or by delta ({@link DeltaPullSender}); then the {@code EXIT} that
 * says how it ended.
 */
final class AdminPull {
    private static final System.Logger LOG = System.getLogger(AdminPull.class.getName());

    private final Hotswap engine;
    private final ManagedDatabase db;
    private final FrameReader in;
    private final FrameWriter out;
    private final String peer;
    private final Duration idleTimeout;
    private final Consumer<Exit> exit;

    /** A pull of {@code db} for {@code peer}; {@code exit} sends {@code EXIT}, best effort. */
    AdminPull(Hotswap engine, ManagedDatabase db, FrameReader in, FrameWriter out, String peer, Duration idleTimeout,
            Consumer<Exit> exit) {
        this.engine = engine;
        this.db = db;
        this.in = in;
        this.out = out;
        this.peer = peer;
        this.idleTimeout = idleTimeout;
        this.exit = exit;
    }

    /**
     * Sends the database, then {@code EXIT} (a failure once the pull started is reported there).
     *
     * @throws IOException if the client cannot be written to before the pull starts
     */
    void run(boolean deltaOffered, boolean catchUp) throws IOException {
        out.send(new Ready(Ready.Direction.PULL, db.name(), liveMode(db)).toFrame());
        out.send(Frame.text(FrameType.PHASE, "snapshot"));
        long start = System.nanoTime();
        if (catchUp && !deltaOffered) {
            try {
                if (LivePullSender.trySend(db, out, Progress.frames(out))) {
                    exit.accept(new Exit(Protocol.EXIT_OK, ""));
                    return;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, db.name() + ": pull by " + peer + " failed", e);
                exit.accept(new Exit(Protocol.EXIT_FAILED, "ERROR: pull failed: " + e.getMessage()));
                return;
            }
        }
        Snapshot snapshot;
        try {
            snapshot = Snapshot.open(db, engine.diskBudget());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": snapshot for " + peer + " failed", e);
            exit.accept(new Exit(Protocol.EXIT_FAILED, "ERROR: snapshot failed: " + e.getMessage()));
            return;
        }
        DeltaPullSender delta = deltaOffered ? new DeltaPullSender(db, in, out, engine.diskBudget(), idleTimeout) : null;
        try (snapshot) { // closed before EXIT: a client that saw EXIT sees no temp file, no read transaction
            out.send(Frame.text(FrameType.STATUS, "snapshot " + snapshot.length() + " bytes in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms"));
            if (delta == null || !delta.send(snapshot, Progress.frames(out))) {
                // Not closed on failure: close() would send ABORT, and a failed pull ends with EXIT 1 instead.
                DataFrameOutputStream data = new DataFrameOutputStream(out, FrameType.DATA_OUT);
                snapshot.send(data);
                data.finish();
            }
        } catch (DeltaPullSender.OfferStalledException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": pull by " + peer + " failed: " + e.getMessage());
            exit.accept(new Exit(Protocol.EXIT_FAILED, "ERROR: pull failed: " + e.getMessage() + "; closed"));
            delta.hearOutTheOffer();
            return;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": pull by " + peer + " failed", e);
            exit.accept(new Exit(Protocol.EXIT_FAILED, "ERROR: pull failed: " + e.getMessage()));
            return;
        }
        exit.accept(new Exit(Protocol.EXIT_OK, ""));
    }

    /** The live file's permission bits, so that the client's copy is no wider; none if unreadable. */
    private static OptionalInt liveMode(ManagedDatabase db) {
        try {
            return OptionalInt.of(FileMode.bits(Files.getPosixFilePermissions(db.currentFile())) & Ready.MAX_MODE);
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalInt.empty(); // the client then makes it 0600
        }
    }
}
