package dev.hotswap.protocol;

import java.io.IOException;

/**
 * The opening exchange: the client sends {@code HELLO}, the server answers with its own; on a
 * version mismatch the server also sends {@code EXIT} with
 * {@code ERROR: protocol version mismatch (client C, server S)} and both sides stop.
 */
public final class Handshake {
    private Handshake() {
    }

    /**
     * Client side, speaking {@link Protocol#VERSION}.
     *
     * @throws VersionMismatchException if the server speaks another version
     * @throws TransferAbortedException if the server answered with {@code EXIT} instead (also when
     *     it closed before our {@code HELLO} could be sent); its
     *     {@link TransferAbortedException#frame() frame} carries the code and message
     * @throws ProtocolException if the server's answer is not a {@code HELLO}
     */
    public static void client(FrameReader in, FrameWriter out) throws IOException {
        client(in, out, Protocol.VERSION);
    }

    /** Client side, speaking {@code version} (tests use this to provoke a mismatch). */
    public static void client(FrameReader in, FrameWriter out, int version) throws IOException {
        Frame answer;
        try {
            out.send(new Hello(version).toFrame());
        } catch (IOException unsent) {
            // A server that turns us away may answer and close before our HELLO arrives; its answer
            // is still waiting to be read, and says more than the broken pipe.
            answer = unsentHelloAnswer(in, unsent);
            throw new TransferAbortedException(Exit.from(answer).message(), answer);
        }
        answer = in.read();
        if (answer != null && answer.type() == FrameType.EXIT) {
            // The server will not talk to us (busy, or our uid is not allowed): its EXIT says why.
            throw new TransferAbortedException(Exit.from(answer).message(), answer);
        }
        int serverVersion = Hello.from(answer).version();
        if (serverVersion != version) {
            throw new VersionMismatchException(version, serverVersion);
        }
    }

    /** The server's {@code EXIT} read after our HELLO could not be sent; else the send's failure. */
    private static Frame unsentHelloAnswer(FrameReader in, IOException unsent) throws IOException {
        Frame answer;
        try {
            answer = in.read();
        } catch (IOException e) {
            unsent.addSuppressed(e);
            throw unsent;
        }
        if (answer == null || answer.type() != FrameType.EXIT) {
            throw unsent;
        }
        return answer;
    }

    /**
     * Server side, speaking {@link Protocol#VERSION}. Reads the client's {@code HELLO}, answers with
     * the server's, and on a mismatch sends the {@code EXIT} frame too.
     *
     * @throws VersionMismatchException if the client speaks another version
     * @throws ProtocolException if the client's first frame is not a {@code HELLO}
     */
    public static void server(FrameReader in, FrameWriter out) throws IOException {
        server(in, out, Protocol.VERSION);
    }

    /** Server side, speaking {@code version} (tests use this to provoke a mismatch). */
    public static void server(FrameReader in, FrameWriter out, int version) throws IOException {
        int clientVersion = Hello.from(in.read()).version();
        out.write(new Hello(version).toFrame());
        if (clientVersion != version) {
            VersionMismatchException mismatch = new VersionMismatchException(clientVersion, version);
            out.write(new Exit(Protocol.EXIT_UNREACHABLE, "ERROR: " + mismatch.getMessage()).toFrame());
            out.flush();
            throw mismatch;
        }
        out.flush();
    }
}
