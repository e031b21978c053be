package dev.hotswap.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;

import dev.hotswap.protocol.CorruptStreamException;
import dev.hotswap.protocol.DataCompression;
import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Handshake;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.ProtocolException;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import dev.hotswap.protocol.TransferAbortedException;
import dev.hotswap.protocol.TruncatedStreamException;
import dev.hotswap.protocol.VersionMismatchException;

import org.newsclub.net.unix.AFUNIXSocket;

/**
 * One admin conversation, server side of {@code docs/protocol.md}: handshake, one request ({@code cp},
 * {@code ls}, {@code rollback} or {@code version}), its answer, and {@code EXIT}. The requests are
 * checked by {@link CopyRequest} and {@link RollbackRequest}; this class runs them and maps how they
 * end to the client's exit code.
 */
final class AdminConnection {
    private static final System.Logger LOG = System.getLogger(AdminConnection.class.getName());

    private final Hotswap engine;
    private final AFUNIXSocket socket;
    private final String peer;
    private final java.time.Duration idleTimeout;
    private PacedInputStream paced;
    private volatile WatchedOutputStream watched;
    private FrameReader in;
    private FrameWriter out;
    private int version;

    AdminConnection(Hotswap engine, AFUNIXSocket socket, long uid, long pid, java.time.Duration idleTimeout) {
        this.engine = engine;
        this.socket = socket;
        this.peer = "uid " + uid + " pid " + pid;
        this.idleTimeout = idleTimeout;
    }

    /** Runs the conversation to its end; never throws. */
    void run() {
        try (socket) {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
            // A pull's snapshot streams out in 1 MiB writes; the default buffer (about 200 KiB) makes
            // each one several round trips between the two processes.
            socket.setSendBufferSize(Protocol.SOCKET_BUFFER);
            paced = new PacedInputStream(socket.getInputStream(), idleTimeout);
            watched = new WatchedOutputStream(socket.getOutputStream());
            // A small buffer: data frame payloads larger than it go straight into the reader's buffer.
            in = new FrameReader(new BufferedInputStream(paced, 8192));
            out = new FrameWriter(watched);
            try {
                converse();
            } catch (PacedInputStream.TooSlowException e) {
                LOG.log(System.Logger.Level.WARNING, "admin connection from " + peer + ": " + e.getMessage() + "; closed");
                exit(Protocol.EXIT_FAILED, "ERROR: " + e.getMessage() + "; closed");
            } catch (SocketTimeoutException e) {
                LOG.log(System.Logger.Level.WARNING, "admin connection from " + peer + " idle for "
                        + Push.format(idleTimeout) + "; closed");
                exit(Protocol.EXIT_FAILED, "ERROR: connection idle for " + Push.format(idleTimeout) + "; closed");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "admin connection from " + peer + " failed", e);
                exit(Protocol.EXIT_FAILED, "ERROR: internal error: " + e);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "admin connection from " + peer + " ended: " + e);
        }
    }

    private void converse() throws IOException {
        // A few dozen bytes: a peer that trickles them must not hold a connection slot for long.
        paced.within(idleTimeout, "handshake and request");
        try {
            version = Handshake.server(in, out);
        } catch (VersionMismatchException e) {
            LOG.log(System.Logger.Level.WARNING, "admin connection from " + peer + ": " + e.getMessage());
            return; // Handshake.server has sent HELLO and EXIT 3
        } catch (TruncatedStreamException e) {
            return; // a probe, or a client that gave up
        } catch (ProtocolException e) {
            protocolError(e);
            return;
        }
        Request request;
        try {
            Frame frame = in.read();
            if (frame == null) {
                return;
            }
            request = Request.from(frame);
        } catch (TruncatedStreamException e) {
            return;
        } catch (ProtocolException e) {
            protocolError(e);
            return;
        }
        paced.unbounded();
        LOG.log(System.Logger.Level.INFO, "admin request from " + peer + ": " + request.command() + " " + request.args()
                + (request.options().isEmpty() ? "" : " " + request.options()));
        switch (request.command()) {
            case "cp" -> cp(request);
            case "ls" -> {
                if (noArguments(request)) {
                    text(StatusListing.of(engine.status()));
                }
            }
            case "rollback" -> rollback(request);
            case "version" -> {
                if (noArguments(request)) {
                    text("hotswap-engine " + version() + " protocol " + Protocol.VERSION + "\n");
                }
            }
            default -> exit(Protocol.EXIT_USAGE, "ERROR: unknown command '" + request.command()
                    + "' (commands: cp, ls, rollback, version)");
        }
    }

    private boolean noArguments(Request request) {
        if (request.args().isEmpty() && request.options().isEmpty()) {
            return true;
        }
        exit(Protocol.EXIT_USAGE, "ERROR: " + request.command() + " takes no arguments or options");
        return false;
    }

    private void text(String text) throws IOException {
        DataFrameOutputStream data = new DataFrameOutputStream(out, FrameType.DATA_OUT);
        data.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        data.finish();
        exit(Protocol.EXIT_OK, "");
    }

    private void cp(Request request) throws IOException {
        CopyRequest cp;
        try {
            cp = CopyRequest.check(request, version, engine);
        } catch (RequestMisuse e) {
            exit(Protocol.EXIT_USAGE, e.getMessage());
            return;
        }
        if (cp.compress()) {
            // The client's link to us is slow: what it sends may come compressed, and what we send
            // goes compressed while that is faster (back-pressure from the link reaches our socket).
            in.acceptCompressedData();
            out.compressData(DataCompression.ADAPTIVE);
        }
        if (cp.isPush()) {
            push(cp);
        } else {
            new AdminPull(engine, cp.source(), in, out, peer, idleTimeout, this::exit)
                    .run(cp.deltaPageSize() != 0, cp.catchUp());
        }
    }

    /** A push; a fleet rollout follows the checks here in place of the swap. */
    private void push(CopyRequest cp) throws IOException {
        ManagedDatabase db = cp.destination();
        if (db.isClaimed()) {
            // Refused before READY, so that the client does not upload for nothing; the claim
            // itself is taken (and may still be refused) when the upload begins.
            exit(Protocol.EXIT_FAILED, "ERROR: another push or rollback of " + db.name() + " is in progress");
            return;
        }
        DataFrameInputStream data = new DataFrameInputStream(in, FrameType.DATA_IN, frame -> { });
        // Before READY: nothing is sent in vain, and what the push will write is promised to it.
        try (DiskClaim claim = claim(cp, db)) {
            // A trickle must not hold the database: the upload has a minimum rate, timed from when
            // the client's turn begins. For a whole file that is READY; for a delta, once the
            // server has copied and hashed its base and offered it, which is the server's own work.
            Runnable clientsTurn = () -> paced.atLeast(engine.minUploadRate(), idleTimeout);
            CandidateReceiver receiver = cp.deltaPageSize() == 0
                    ? new StreamReceiver(claim.guard(data))
                    : new DeltaPushReceiver(db, in, out, cp.deltaPageSize(), claim, clientsTurn);
            out.send(new Ready(Ready.Direction.PUSH, db.name()).toFrame());
            if (cp.deltaPageSize() == 0) {
                clientsTurn.run();
            }
            if (cp.fleet().isPresent()) {
                StagedGeneration staged = engine.swaps().stage(db, receiver, cp.options(), null, progress());
                paced.unbounded(); // the upload is over; the rollout reads nothing more
                exit(FleetRequests.push(engine.rollouts(), staged, cp.fleet().get(), cp.dryRun(), progress()));
            } else if (cp.dryRun()) {
                engine.swaps().check(db, receiver, cp.options(), progress());
                exit(Protocol.EXIT_OK, cp.dryRunPassed());
            } else {
                engine.swaps().push(db, receiver, cp.options(), progress());
                exit(Protocol.EXIT_OK, "OK");
            }
        } catch (SwapRefusedException e) {
            exit(Protocol.EXIT_FAILED, e.getMessage());
            if (!data.isComplete()) {
                drain(); // refused before the upload ended (before READY, or a delta that does not verify)
            }
        } catch (TransferAbortedException e) {
            String reason = e.frame() != null && e.frame().type() == FrameType.ABORT ? e.frame().text() : e.getMessage();
            LOG.log(System.Logger.Level.WARNING, db.name() + ": push from " + peer + " aborted by the client: " + reason);
            exit(Protocol.EXIT_FAILED, "ERROR: upload aborted by the client (" + reason + "); database untouched");
        } catch (TruncatedStreamException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": push from " + peer + " cut off: " + e.getMessage());
            exit(Protocol.EXIT_FAILED, "ERROR: upload incomplete: " + e.getMessage() + "; database untouched");
        } catch (CorruptStreamException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": push from " + peer + " corrupt: " + e.getMessage());
            exit(Protocol.EXIT_FAILED, "ERROR: upload corrupt: " + e.getMessage() + "; database untouched");
        } catch (ProtocolException | SocketTimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": push from " + peer + " failed: " + e.getMessage());
            exit(Protocol.EXIT_FAILED, "ERROR: push failed: " + e.getMessage() + "; database untouched");
        } catch (IOException e) {
            // Our side failed (disk full, say), maybe while the client is still uploading.
            LOG.log(System.Logger.Level.WARNING, db.name() + ": push from " + peer + " failed", e);
            exit(Protocol.EXIT_FAILED, "ERROR: push failed: " + e.getMessage() + "; database untouched");
            drain();
        }
    }

    /**
     * Claims what a push will write from the engine's disk budget: the declared size of a whole
     * file, or for a delta the base copy and its hashes.
     *
     * @throws SwapRefusedException if it does not fit with the reserve and the other transfers
     */
    private DiskClaim claim(CopyRequest cp, ManagedDatabase db) throws IOException, SwapRefusedException {
        long bytes = cp.deltaPageSize() == 0 ? Math.max(0, cp.size())
                : DeltaPushReceiver.bytesToClaim(db, cp.deltaPageSize(), cp.size());
        String what = cp.deltaPageSize() == 0 ? "the upload" : "the delta push";
        try {
            return engine.diskBudget().claim(what, db.folder().path(), bytes);
        } catch (DiskBudget.NoRoomException e) {
            throw new SwapRefusedException(SwapRefusedException.Reason.NO_ROOM, "ERROR: " + e.getMessage()
                    + "; database untouched");
        }
    }

    /**
     * Reads and discards the rest of an upload the server has already refused (its EXIT is sent),
     * up to its {@code END} or {@code ABORT}. Closing at once would make the client's next write
     * fail with a broken pipe, and some clients (junixsocket's) close the socket on that error
     * before they could read our EXIT; a client that finishes its upload reads it. The idle
     * timeout still bounds every read.
     */
    private void drain() {
        byte[] discard = new byte[8192];
        try {
            while (true) {
                while (in.payloadRemaining() > 0) {
                    in.readPayload(discard, 0, discard.length);
                }
                FrameType type = in.readHeader();
                if (type == null || type == FrameType.END || type == FrameType.ABORT) {
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "draining a refused upload ended", e);
        }
    }

    /** {@code rollback NAME|PATH [to=GEN]}: makes an earlier generation current, reporting like a push. */
    private void rollback(Request request) throws IOException {
        RollbackRequest rollback;
        try {
            rollback = RollbackRequest.check(request, engine);
        } catch (RequestMisuse e) {
            exit(Protocol.EXIT_USAGE, e.getMessage());
            return;
        }
        ManagedDatabase db = rollback.db();
        if (rollback.fleet().isPresent()) {
            exit(FleetRequests.rollback(engine.rollouts(), db.name(), rollback.rollout(), rollback.fleet().get(),
                    progress()));
            return;
        }
        try {
            engine.swaps().rollback(db, rollback.to(), progress());
            exit(Protocol.EXIT_OK, "OK");
        } catch (SwapRefusedException e) {
            exit(Protocol.EXIT_FAILED, e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": rollback for " + peer + " failed", e);
            exit(Protocol.EXIT_FAILED, "ERROR: rollback failed: " + e.getMessage());
        }
    }

    private Progress progress() {
        return Progress.frames(out);
    }

    private void protocolError(ProtocolException e) {
        LOG.log(System.Logger.Level.WARNING, "admin connection from " + peer + ": protocol error: " + e.getMessage());
        exit(Protocol.EXIT_USAGE, "ERROR: protocol error: " + e.getMessage());
    }

    private void exit(Exit exit) {
        exit(exit.code(), exit.message());
    }

    /** Sends EXIT, best effort: a client that left cannot be told. */
    private void exit(int code, String message) {
        if (out == null) {
            return;
        }
        try {
            out.send(new Exit(code, message).toFrame());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not send EXIT to " + peer, e);
        }
    }

    /** Called by the server's watchdog: cuts off a peer that has not taken our bytes for too long. */
    void closeIfStalled(long nowNanos, long limitNanos) {
        if (watched != null && watched.stalled(nowNanos, limitNanos)) {
            LOG.log(System.Logger.Level.WARNING, "admin connection from " + peer + " stopped reading; closed");
            abort();
        }
    }

    /** Closes the socket, which ends any blocked read or write of the conversation. */
    void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }

    private static String version() {
        Module module = Hotswap.class.getModule();
        if (module.getDescriptor() != null && module.getDescriptor().rawVersion().isPresent()) {
            return module.getDescriptor().rawVersion().get();
        }
        String implementation = Hotswap.class.getPackage().getImplementationVersion();
        return implementation != null ? implementation : "unknown";
    }

    @Override
    public String toString() {
        return "admin connection from " + peer;
    }
}
