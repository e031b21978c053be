package dev.hotswap.cli;

import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.DeltaSource;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.ProtocolException;
import dev.hotswap.protocol.TruncatedStreamException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Uploads a database after the server's {@code READY 'I'}: reads the local file (or stdin), sends it
 * as {@code DATA_IN} frames and {@code END}, and reports the server's {@code EXIT}.
 *
 * <p>The server may end the conversation at any time, also in the middle of the upload (another
 * push in progress, disk full). A listener thread therefore reads the server's frames while this
 * thread writes: {@code STATUS} and {@code PHASE} reach the user as they come, and an early
 * {@code EXIT} stops the upload (the listener shuts down the output, releasing a blocked write) and
 * is reported as the server's reason rather than as a broken pipe.
 *
 * <p>A local file is read through its links, and refused when a non-empty {@code -wal} or a hot
 * {@code -journal} lies beside the file they lead to ({@link PushSource}): the file alone is then
 * not what SQLite would read, and this command links no SQLite to apply either. The message says
 * how to settle it.
 */
final class Push implements Transfer {
    private final Connection connection;
    private final Reporter reporter;
    private final String database;
    private final DataFrameOutputStream upload;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    /** How the server ended the conversation: its {@code EXIT}, a broken connection, or neither. */
    private record Outcome(Exit exit, IOException error) {
    }

    /** What is uploaded. */
    private record Source(InputStream in, long size, String label, boolean ownStream) {
    }

    private final DeltaPush delta;
    private final boolean fleet;
    private final boolean dryRun;

    /**
     * A push of the whole file, or, with {@code delta} (offered in the request), of the pages that
     * differ; with {@code fleet}, a push the server rolls out to its fleet; with {@code dryRun}, one the
     * server only checks.
     */
    Push(Connection connection, Reporter reporter, String database, DeltaPush delta, boolean fleet, boolean dryRun) {
        this.connection = connection;
        this.reporter = reporter;
        this.database = database;
        this.upload = new DataFrameOutputStream(connection.writer(), FrameType.DATA_IN);
        this.delta = delta;
        this.fleet = fleet;
        this.dryRun = dryRun;
    }

    /**
     * Uploads {@code source} ({@code null} meaning {@code stdin}), once it is checked to be what
     * SQLite would read from it; on success prints {@code OK} to {@code stdout} and returns 0.
     */
    int run(PushSource source, InputStream stdin, OutputStream stdout) throws CommandFailure {
        Source from = open(source, stdin);
        DeltaSource.Plan plan = null;
        if (delta != null) {
            try {
                plan = delta.negotiate(connection, reporter);
            } catch (CommandFailure e) {
                closeQuietly(from.in());
                throw e;
            }
        }
        if (plan != null) {
            closeQuietly(from.in());
            return runDelta(plan, stdout);
        }
        Thread listener = new Thread(this::listen, "hotswap-listener");
        listener.setDaemon(true);
        listener.start();
        reporter.startProgress("upload", from.size());
        try {
            send(from);
        } finally {
            if (from.ownStream()) {
                closeQuietly(from.in());
            }
        }
        Outcome end = outcome.join();
        reporter.stopProgress();
        return conclude(end, stdout);
    }

    private int runDelta(DeltaSource.Plan plan, OutputStream stdout) throws CommandFailure {
        Thread listener = new Thread(this::listen, "hotswap-listener");
        listener.setDaemon(true);
        listener.start();
        long started = System.nanoTime();
        try {
            DeltaSource.Sent sent = delta.stream(plan, upload, reporter);
            long nanos = System.nanoTime() - started;
            reporter.stopProgress();
            reporter.status("Compared " + sent.pagesCompared() + " pages, sent " + sent.pagesSent() + " of "
                    + plan.pageCount() + " (" + Quantities.bytes(sent.bytesSent())
                    + Quantities.onTheWire(sent.bytesSent(), sent.wireBytes()) + ") to " + database + " in "
                    + Quantities.duration(nanos));
        } catch (IOException e) {
            // The server stopped reading. Its EXIT, which the listener reads, says why.
        }
        Outcome end = outcome.join();
        reporter.stopProgress();
        return conclude(end, stdout);
    }

    @Override
    public void interrupt() {
        if (!upload.cancel()) {
            return; // END may be on its way: the server may have the whole file
        }
        // END can no longer go out. A write blocked on a full socket holds the writer's lock: give
        // ABORT a moment, no more; closing the connection without END discards the upload just as well.
        Thread aborter = new Thread(() -> abortQuietly("interrupted"), "hotswap-abort");
        aborter.setDaemon(true);
        aborter.start();
        try {
            aborter.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String interruptedMessage() {
        // From the moment END may be on its way, the server may act on the file: only before that
        // can the CLI promise that nothing changed.
        boolean sentEnd = upload.finishBegun();
        if (dryRun) {
            return "interrupted: a dry run changes nothing; " + database + " is unchanged";
        }
        if (sentEnd && fleet) {
            return "interrupted after the upload: the server goes on with the fleet rollout of " + database
                    + " (other servers may be about to flip); run 'hotswap ls' on the servers to see where it ended";
        }
        return sentEnd
                ? "interrupted after the upload: the server may still swap " + database
                        + "; run 'hotswap ls' to see whether it did"
                : "interrupted: the upload was aborted and the server discards it; " + database
                        + " is unchanged";
    }

    private Source open(PushSource source, InputStream stdin) throws CommandFailure {
        if (source == null) {
            return new Source(stdin, -1, "stdin", false);
        }
        Path file = source.file();
        try {
            if (Files.isDirectory(file)) {
                throw refuse(source.describe() + " is a directory, not a database file");
            }
            if (!Files.exists(file)) {
                throw refuse("cannot read " + source.describe() + ": no such file");
            }
            Optional<String> unsettled = source.unsettled();
            if (unsettled.isPresent()) {
                throw refuse(unsettled.get());
            }
            return new Source(Files.newInputStream(file), Files.size(file), file.toString(), true);
        } catch (IOException e) {
            throw refuse("cannot read " + source.describe() + ": " + CommandFailure.reason(e));
        }
    }

    /** Aborts the upload, so the server discards it, and fails with {@code message}. */
    private CommandFailure refuse(String message) {
        abortQuietly("the client cannot read the source");
        return CommandFailure.failed(message);
    }

    private void send(Source from) throws CommandFailure {
        long started = System.nanoTime();
        byte[] buffer = new byte[Protocol.DATA_CHUNK];
        try {
            while (!outcome.isDone()) {
                int n;
                try {
                    n = from.in().read(buffer);
                } catch (IOException e) {
                    throw refuse("cannot read " + from.label() + ": " + CommandFailure.reason(e));
                }
                if (n < 0) {
                    // Said before END goes out, so that it precedes everything the server says
                    // about the checks and the swap.
                    long nanos = System.nanoTime() - started;
                    upload.flush(); // its last block sent, so that what went on the wire is known
                    reporter.status("Uploaded " + Quantities.bytes(upload.byteCount()) + " to " + database
                            + " in " + Quantities.duration(nanos) + " ("
                            + Quantities.rate(upload.byteCount(), nanos)
                            + Quantities.onTheWire(upload.byteCount(), upload.wireByteCount()) + ")");
                    upload.finish();
                    return;
                }
                upload.write(buffer, 0, n);
                reporter.bytes(upload.byteCount());
            }
        } catch (IOException e) {
            // The server stopped reading. Its EXIT, which the listener reads, says why.
        }
    }

    /** Reads the server's frames until its {@code EXIT} or the end of the connection. */
    private void listen() {
        try {
            while (true) {
                Frame frame = connection.reader().read();
                if (frame == null) {
                    outcome.complete(new Outcome(null, null));
                    return;
                }
                if (frame.type() == FrameType.EXIT) {
                    outcome.complete(new Outcome(Exit.from(frame), null));
                    connection.shutdownOutput();
                    return;
                }
                if (!Connection.relay(frame, reporter)) {
                    throw new ProtocolException("unexpected " + frame.type() + " frame during a push");
                }
            }
        } catch (IOException e) {
            outcome.complete(new Outcome(null, e));
            connection.shutdownOutput();
        }
    }

    private int conclude(Outcome end, OutputStream stdout) throws CommandFailure {
        Exit exit = end.exit();
        if (exit != null && exit.code() != Protocol.EXIT_OK) {
            throw CommandFailure.of(exit);
        }
        boolean sentEnd = upload.finishBegun();
        if (exit != null && !sentEnd) {
            throw CommandFailure.failed("protocol error: the server reported success before the upload ended");
        }
        if (exit != null) {
            if (!exit.message().isBlank() && !exit.message().strip().equals("OK")) {
                reporter.status(exit.message());
            }
            try {
                stdout.write("OK\n".getBytes(StandardCharsets.US_ASCII));
                stdout.flush();
            } catch (IOException e) {
                throw CommandFailure.failed("the swap succeeded but stdout is gone: " + e.getMessage());
            }
            return Protocol.EXIT_OK;
        }
        // A clean close, a close inside a frame, or a reset (a server that dies with our data
        // unread in its buffer): all the same to the user.
        IOException error = end.error();
        if (error == null || error instanceof TruncatedStreamException || !(error instanceof ProtocolException)) {
            throw sentEnd
                    ? CommandFailure.lost("the server closed the connection after the upload without a result;"
                            + " run 'hotswap ls' to see whether " + database + " was swapped")
                    : CommandFailure.lost("the server closed the connection during the upload, after "
                            + Quantities.bytes(upload.byteCount()) + "; " + database + " is unchanged");
        }
        throw CommandFailure.of(error);
    }

    private void abortQuietly(String reason) {
        try {
            upload.abort(reason);
        } catch (IOException e) {
            // the connection is gone: the server discards an upload without END all the same
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // a file we only read
        }
    }
}
