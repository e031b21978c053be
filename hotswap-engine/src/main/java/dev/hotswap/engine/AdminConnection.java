package dev.hotswap.engine;

import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.hotswap.protocol.CorruptStreamException;
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
 * {@code ls} or {@code version}), its answer, and {@code EXIT}.
 */
final class AdminConnection {
    private static final System.Logger LOG = System.getLogger(AdminConnection.class.getName());
    private static final String SKIP_INTEGRITY = "skip-integrity-check";
    private static final String SKIP_SCHEMA = "skip-schema-check";
    /** Version 2: the client offers a delta; the value is its file's page size (push) or its copy's (pull). */
    private static final String DELTA = "delta";
    private static final Set<String> CP_OPTIONS = Set.of(SKIP_INTEGRITY, SKIP_SCHEMA);

    private final Hotswap engine;
    private final AFUNIXSocket socket;
    private final String peer;
    private final java.time.Duration idleTimeout;
    /** When the current write to the peer started, or 0: a peer that stops reading is cut off. */
    private volatile long writingSince;
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
            // A small buffer: data frame payloads larger than it go straight into the reader's buffer.
            in = new FrameReader(new BufferedInputStream(socket.getInputStream(), 8192));
            out = new FrameWriter(new WatchedOutputStream(socket.getOutputStream()));
            try {
                converse();
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
        LOG.log(System.Logger.Level.INFO, "admin request from " + peer + ": " + request.command() + " " + request.args()
                + (request.options().isEmpty() ? "" : " " + request.options()));
        switch (request.command()) {
            case "cp" -> cp(request);
            case "ls" -> {
                if (noArguments(request)) {
                    text(engine.listing());
                }
            }
            case "version" -> {
                if (noArguments(request)) {
                    text("hotswap-engine " + version() + " protocol " + Protocol.VERSION + "\n");
                }
            }
            default -> exit(Protocol.EXIT_USAGE, "ERROR: unknown command '" + request.command()
                    + "' (commands: cp, ls, version)");
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
        data.write(Hotswap.utf8(text));
        data.finish();
        exit(Protocol.EXIT_OK, "");
    }

    private void cp(Request request) throws IOException {
        List<String> args = request.args();
        if (args.size() != 2) {
            exit(Protocol.EXIT_USAGE, "ERROR: cp takes 2 arguments (source and destination), got " + args.size());
            return;
        }
        Map<String, String> options = new java.util.HashMap<>(request.options());
        int deltaPageSize = 0;
        if (version >= 2 && options.containsKey(DELTA)) {
            deltaPageSize = pageSize(options.remove(DELTA));
            if (deltaPageSize == 0) {
                exit(Protocol.EXIT_USAGE, "ERROR: option delta takes a page size (a power of two, 512 to 65536), not '"
                        + request.options().get(DELTA) + "'");
                return;
            }
        }
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (!CP_OPTIONS.contains(option.getKey())) {
                exit(Protocol.EXIT_USAGE, "ERROR: unknown option '" + option.getKey()
                        + "' for cp (options: " + SKIP_INTEGRITY + ", " + SKIP_SCHEMA + ")");
                return;
            }
            if (!"true".equals(option.getValue())) {
                exit(Protocol.EXIT_USAGE, "ERROR: option " + option.getKey() + " takes the value true, not '"
                        + option.getValue() + "'");
                return;
            }
        }
        ManagedDatabase source = match(args.get(0));
        ManagedDatabase destination = match(args.get(1));
        if (source == null && destination == null) {
            exit(Protocol.EXIT_USAGE, "ERROR: neither path is a managed database (managed: " + engine.describe() + ")");
        } else if (source != null && destination != null) {
            exit(Protocol.EXIT_USAGE, "ERROR: both paths are managed databases; one side must be a file or -"
                    + " (managed: " + engine.describe() + ")");
        } else if (destination != null) {
            push(destination, new PushOptions(request.flag(SKIP_INTEGRITY), request.flag(SKIP_SCHEMA)), deltaPageSize);
        } else if (!options.isEmpty()) {
            exit(Protocol.EXIT_USAGE, "ERROR: " + String.join(", ", options.keySet())
                    + " applies to pushes only");
        } else {
            pull(source, deltaPageSize != 0);
        }
    }

    /**
     * The managed database {@code argument} names, by name or by absolute path (the configured path
     * or the file it leads to). Client paths are only compared, never opened.
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
                try {
                    if (db.realPath().equals(path)) {
                        return db;
                    }
                } catch (IOException e) {
                    // a managed file that is missing matches nothing by its target
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

    private void push(ManagedDatabase db, PushOptions options, int deltaPageSize) throws IOException {
        Push push;
        try {
            push = Push.begin(engine, db);
        } catch (SwapRefusedException e) {
            exit(Protocol.EXIT_FAILED, e.getMessage());
            return;
        }
        CandidateReceiver receiver = deltaPageSize == 0
                ? new StreamReceiver(new DataFrameInputStream(in, FrameType.DATA_IN, frame -> { }))
                : new DeltaPushReceiver(db, in, out, deltaPageSize);
        try (push) {
            out.send(new Ready(Ready.Direction.PUSH, db.name()).toFrame());
            push.run(receiver, options, progress());
            exit(Protocol.EXIT_OK, "OK");
        } catch (SwapRefusedException e) {
            exit(Protocol.EXIT_FAILED, e.getMessage());
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

    private void pull(ManagedDatabase db, boolean deltaOffered) throws IOException {
        out.send(new Ready(Ready.Direction.PULL, db.name()).toFrame());
        out.send(Frame.text(FrameType.PHASE, "snapshot"));
        long start = System.nanoTime();
        Path snapshot;
        try {
            snapshot = Snapshot.take(db);
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
            exit(Protocol.EXIT_OK, "");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": pull by " + peer + " failed", e);
            exit(Protocol.EXIT_FAILED, "ERROR: pull failed: " + e.getMessage());
        } finally {
            TempFiles.delete(snapshot);
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
        long since = writingSince;
        if (since != 0 && nowNanos - since > limitNanos) {
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

    /** Marks the time of every write to the peer, so that the watchdog sees a stalled one. */
    private final class WatchedOutputStream extends FilterOutputStream {
        WatchedOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            writingSince = System.nanoTime();
            try {
                out.write(b);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            writingSince = System.nanoTime();
            try {
                out.write(bytes, offset, length);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            writingSince = System.nanoTime();
            try {
                out.flush();
            } finally {
                writingSince = 0;
            }
        }
    }

    @Override
    public String toString() {
        return "admin connection from " + peer;
    }
}
