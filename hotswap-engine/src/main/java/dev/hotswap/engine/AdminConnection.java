package dev.hotswap.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import dev.hotswap.protocol.CorruptStreamException;
import dev.hotswap.protocol.CpOptions;
import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FileMode;
import dev.hotswap.protocol.FleetOptions;
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
 * {@code ls} or {@code version}), its answer, and {@code EXIT}.
 */
final class AdminConnection {
    private static final System.Logger LOG = System.getLogger(AdminConnection.class.getName());
    private static final String SKIP_INTEGRITY = CpOptions.SKIP_INTEGRITY_CHECK;
    private static final String SKIP_SCHEMA = CpOptions.SKIP_SCHEMA_CHECK;
    private static final Set<String> CP_FLAGS = Set.of(SKIP_INTEGRITY, SKIP_SCHEMA);
    private static final String ROLLBACK_TO = Protocol.OPTION_TO;
    /** Version 2: the client offers a delta; the value is its file's page size (push) or its copy's (pull). */
    private static final String DELTA = "delta";

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
            paced = new PacedInputStream(socket.getInputStream());
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
        List<String> args = request.args();
        if (args.size() != 2) {
            exit(Protocol.EXIT_USAGE, "ERROR: cp takes 2 arguments (source and destination), got " + args.size());
            return;
        }
        long size = -1;
        int deltaPageSize = 0;
        for (Map.Entry<String, String> option : request.options().entrySet()) {
            if (option.getKey().equals(CpOptions.SIZE)) {
                size = CpOptions.parseSize(option.getValue());
                if (size < 0) {
                    exit(Protocol.EXIT_USAGE, "ERROR: option size takes a byte count, not '" + option.getValue() + "'");
                    return;
                }
                continue;
            }
            if (option.getKey().equals(DELTA) && version >= 2) {
                deltaPageSize = pageSize(option.getValue());
                if (deltaPageSize == 0) {
                    exit(Protocol.EXIT_USAGE, "ERROR: option delta takes a page size (a power of two, 512 to 65536), not '"
                            + option.getValue() + "'");
                    return;
                }
                continue;
            }
            if (FleetOptions.names().contains(option.getKey())) {
                continue; // checked below
            }
            if (!CP_FLAGS.contains(option.getKey())) {
                exit(Protocol.EXIT_USAGE, "ERROR: unknown option '" + option.getKey() + "' for cp (options: "
                        + SKIP_INTEGRITY + ", " + SKIP_SCHEMA + ", " + CpOptions.SIZE + ", " + FleetOptions.FLEET + ", "
                        + FleetOptions.NODES + ", " + FleetOptions.MIN_NODES + ")");
                return;
            }
            if (!"true".equals(option.getValue())) {
                exit(Protocol.EXIT_USAGE, "ERROR: option " + option.getKey() + " takes the value true, not '"
                        + option.getValue() + "'");
                return;
            }
        }
        Optional<Rollouts.Nodes> fleet;
        try {
            fleet = FleetRequests.nodes(request, engine.rollouts());
        } catch (FleetRequests.Misuse e) {
            exit(Protocol.EXIT_USAGE, e.getMessage());
            return;
        }
        ManagedDatabase source = match(args.get(0));
        ManagedDatabase destination = match(args.get(1));
        if (source == null && destination == null) {
            exit(Protocol.EXIT_USAGE, "ERROR: neither path is a managed database (managed: " + engine.describe() + ")");
        } else if (source != null && destination != null) {
            exit(Protocol.EXIT_USAGE, "ERROR: both paths are managed databases; one side must be a file or -"
                    + " (managed: " + engine.describe() + ")");
        } else if (destination != null) {
            push(destination, new PushOptions(request.flag(SKIP_INTEGRITY), request.flag(SKIP_SCHEMA)), size,
                    deltaPageSize, fleet);
        } else if (fleet.isPresent()) {
            exit(Protocol.EXIT_USAGE, "ERROR: " + FleetOptions.FLEET + " applies to pushes and rollbacks, not to a"
                    + " pull (the source is the managed database " + source.name() + ")");
        } else if (request.options().keySet().stream().anyMatch(CP_FLAGS::contains)) {
            exit(Protocol.EXIT_USAGE, "ERROR: " + String.join(", ", request.options().keySet().stream()
                    .filter(CP_FLAGS::contains).toList()) + " applies to pushes only");
        } else {
            pull(source, deltaPageSize != 0);
        }
    }

    /**
     * The managed database {@code argument} names, by name or by absolute path (the configured path,
     * the same path through its directory's real path, or the current generation's file). Client
     * paths are only compared, never opened.
     */
    private ManagedDatabase match(String argument) {
        Path path = null;
        if (argument.startsWith("/")) {
            try {
                path = Path.of(argument).normalize();
            } catch (InvalidPathException e) {
                return null;
            }
        }
        for (ManagedDatabase db : engine.databases()) {
            if (argument.equals(db.name()) || db.path().equals(path)) {
                return db;
            }
        }
        if (path != null) {
            for (ManagedDatabase db : engine.databases()) {
                if (db.isNamedBy(path)) {
                    return db;
                }
            }
        }
        return null;
    }

    /** A page size given as an option value, or 0 if it is none. */
    private static int pageSize(String value) {
        try {
            int size = Integer.parseInt(value);
            return size >= 512 && size <= 65536 && Integer.bitCount(size) == 1 ? size : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * A push into {@code db}; {@code size} is the declared upload size, or -1; {@code deltaPageSize}
     * the page size of the client's file when it offers a delta, or 0; {@code fleet} the nodes of a
     * fleet rollout, which follows the checks here in place of the swap.
     */
    private void push(ManagedDatabase db, PushOptions options, long size, int deltaPageSize,
            Optional<Rollouts.Nodes> fleet) throws IOException {
        if (db.isClaimed()) {
            // Refused before READY, so that the client does not upload for nothing; the claim
            // itself is taken (and may still be refused) when the upload begins.
            exit(Protocol.EXIT_FAILED, "ERROR: another push or rollback of " + db.name() + " is in progress");
            return;
        }
        DataFrameInputStream data = new DataFrameInputStream(in, FrameType.DATA_IN, frame -> { });
        CandidateReceiver receiver = deltaPageSize == 0
                ? new StreamReceiver(engine.diskBudget().guard(db.folder().path(), data))
                : new DeltaPushReceiver(db, in, out, deltaPageSize);
        try {
            if (size >= 0) {
                engine.diskBudget().requireRoom(db.folder().path(), size); // before READY: nothing is sent in vain
            }
            out.send(new Ready(Ready.Direction.PUSH, db.name()).toFrame());
            paced.atLeast(engine.minUploadRate(), idleTimeout); // a trickle must not hold the database
            if (fleet.isPresent()) {
                StagedGeneration staged = engine.stage(db, receiver, options, null, progress());
                paced.unbounded(); // the upload is over; the rollout reads nothing more
                exit(FleetRequests.push(engine.rollouts(), staged, fleet.get(), progress()));
            } else {
                engine.push(db, receiver, options, progress());
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
        if (request.args().size() != 1) {
            exit(Protocol.EXIT_USAGE, "ERROR: rollback takes 1 argument (the database), got " + request.args().size());
            return;
        }
        for (String option : request.options().keySet()) {
            if (!option.equals(ROLLBACK_TO) && !FleetOptions.names().contains(option)) {
                exit(Protocol.EXIT_USAGE, "ERROR: unknown option '" + option + "' for rollback (options: " + ROLLBACK_TO
                        + ", " + FleetOptions.FLEET + ", " + FleetOptions.NODES + ", " + FleetOptions.MIN_NODES + ")");
                return;
            }
        }
        Optional<Rollouts.Nodes> fleet;
        try {
            fleet = FleetRequests.nodes(request, engine.rollouts());
        } catch (FleetRequests.Misuse e) {
            exit(Protocol.EXIT_USAGE, e.getMessage());
            return;
        }
        ManagedDatabase db = match(request.args().get(0));
        if (db == null) {
            exit(Protocol.EXIT_USAGE, "ERROR: " + request.args().get(0) + " is not a managed database (managed: "
                    + engine.describe() + ")");
            return;
        }
        String value = request.options().get(ROLLBACK_TO);
        if (fleet.isPresent()) {
            // Generation numbers differ from server to server: the fleet goes back to a rollout.
            if (value != null && !value.matches("[A-Za-z0-9._-]{1,128}")) {
                exit(Protocol.EXIT_USAGE, "ERROR: option " + ROLLBACK_TO + " of a fleet rollback takes a rollout id, not '"
                        + value + "'");
                return;
            }
            exit(FleetRequests.rollback(engine.rollouts(), db.name(), Optional.ofNullable(value), fleet.get(),
                    progress()));
            return;
        }
        OptionalLong to = OptionalLong.empty();
        if (value != null) {
            try {
                to = OptionalLong.of(Long.parseLong(value));
            } catch (NumberFormatException e) {
                exit(Protocol.EXIT_USAGE, "ERROR: option " + ROLLBACK_TO + " takes a generation number, not '" + value + "'");
                return;
            }
        }
        try {
            engine.rollback(db, to, progress());
            exit(Protocol.EXIT_OK, "OK");
        } catch (SwapRefusedException e) {
            exit(Protocol.EXIT_FAILED, e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": rollback for " + peer + " failed", e);
            exit(Protocol.EXIT_FAILED, "ERROR: rollback failed: " + e.getMessage());
        }
    }

    private void pull(ManagedDatabase db, boolean deltaOffered) throws IOException {
        out.send(new Ready(Ready.Direction.PULL, db.name(), liveMode(db)).toFrame());
        out.send(Frame.text(FrameType.PHASE, "snapshot"));
        long start = System.nanoTime();
        Path snapshot;
        try {
            snapshot = Snapshot.take(db, engine.diskBudget());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": snapshot for " + peer + " failed", e);
            exit(Protocol.EXIT_FAILED, "ERROR: snapshot failed: " + e.getMessage());
            return;
        }
        try {
            long size = Files.size(snapshot);
            out.send(Frame.text(FrameType.STATUS, "snapshot " + size + " bytes in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms"));
            if (!deltaOffered || !new DeltaPullSender(db, in, out).send(snapshot, progress())) {
                // Not closed on failure: close() would send ABORT, and a failed pull ends with EXIT 1 instead.
                DataFrameOutputStream data = new DataFrameOutputStream(out, FrameType.DATA_OUT);
                Snapshot.send(snapshot, data);
                data.finish();
            }
            TempFiles.delete(snapshot); // before EXIT: a client that saw EXIT sees no temp file
            exit(Protocol.EXIT_OK, "");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": pull by " + peer + " failed", e);
            exit(Protocol.EXIT_FAILED, "ERROR: pull failed: " + e.getMessage());
        } finally {
            TempFiles.delete(snapshot);
        }
    }

    /** The live file's permission bits, so that the client's copy is no wider; none if unreadable. */
    private static OptionalInt liveMode(ManagedDatabase db) {
        try {
            return OptionalInt.of(FileMode.bits(Files.getPosixFilePermissions(db.currentFile())) & Ready.MAX_MODE);
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalInt.empty(); // the client then makes it 0600
        }
    }

    private Progress progress() {
        return new Progress() {
            @Override
            public void phase(String phase) throws IOException {
                out.send(Frame.text(FrameType.PHASE, phase));
            }

            @Override
            public void status(String line) throws IOException {
                out.send(Frame.text(FrameType.STATUS, line));
            }
        };
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
