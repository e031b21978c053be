package dev.hotswap.protocol;

import java.io.IOException;

/**
 * The opening exchange and version negotiation. The client sends {@code HELLO} with the newest
 * version it speaks; a server of version 2 or later answers with the lower of the two and both go
 * on in that version. A version 1 server knows no negotiation: it answers a newer client with its
 * {@code HELLO 1}, then {@code EXIT 3} ({@code ERROR: protocol version mismatch (client C, server 1)})
 * and closes; a client that still speaks version 1 connects again offering 1. A server answers a
 * client older than {@link Protocol#MIN_VERSION} with its {@code HELLO} and that {@code EXIT 3}.
 */
public final class Handshake {
    private Handshake() {
    }

    /**
     * Client side, offering {@link Protocol#VERSION}.
     *
     * @return the version of the conversation: the server's answer (see {@link #mustReconnect})
     * @throws VersionMismatchException if the server answers a version this client cannot speak
     * @throws TransferAbortedException if the server answered with {@code EXIT} instead (also when
     *     it closed before our {@code HELLO} could be sent); its
     *     {@link TransferAbortedException#frame() frame} carries the code and message
     * @throws ProtocolException if the server's answer is not a {@code HELLO}
     */
    public static int client(FrameReader in, FrameWriter out) throws IOException {
        return client(in, out, Protocol.VERSION);
    }

    /** Client side, offering {@code version} (to fall back to version 1, and for tests). */
    public static int client(FrameReader in, FrameWriter out, int version) throws IOException {
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
        if (serverVersion > version || serverVersion < Protocol.MIN_VERSION) {
            throw new VersionMismatchException(version, serverVersion);
        }
        return serverVersion;
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
     * Whether a client that offered {@code offered} and got {@code answered} talks to a version 1
     * server, which has sent {@code EXIT 3} and closes: the client must connect again and offer 1.
     */
    public static boolean mustReconnect(int offered, int answered) {
        return answered == 1 && offered > 1;
    }

    /**
     * Server side, speaking every version from {@link Protocol#MIN_VERSION} to
     * {@link Protocol#VERSION}: reads the client's {@code HELLO} and answers with the lower of the
     * two versions, which the conversation then uses.
     *
     * @return the version of the conversation
     * @throws VersionMismatchException if the client is older than {@link Protocol#MIN_VERSION}
     *     ({@code HELLO} and {@code EXIT 3} are sent)
     * @throws ProtocolException if the client's first frame is not a {@code HELLO}
     */
    public static int server(FrameReader in, FrameWriter out) throws IOException {
        int clientVersion = Hello.from(in.read()).version();
        int version = Math.min(clientVersion, Protocol.VERSION);
        out.write(new Hello(version < Protocol.MIN_VERSION ? Protocol.VERSION : version).toFrame());
        if (version < Protocol.MIN_VERSION) {
            refuse(out, clientVersion, Protocol.VERSION);
        }
        out.flush();
        return version;
    }

    /**
     * Server side as a version 1 server behaves: speaking exactly {@code version}, it answers any
     * other client version with its {@code HELLO} and {@code EXIT 3}. Tests use it to play an old
     * server.
     */
    public static void serverOfExactly(FrameReader in, FrameWriter out, int version) throws IOException {
        int clientVersion = Hello.from(in.read()).version();
        out.write(new Hello(version).toFrame());
        if (clientVersion != version) {
            refuse(out, clientVersion, version);
        }
        out.flush();
    }

    private static void refuse(FrameWriter out, int clientVersion, int serverVersion) throws IOException {
        VersionMismatchException mismatch = new VersionMismatchException(clientVersion, serverVersion);
        out.write(new Exit(Protocol.EXIT_UNREACHABLE, "ERROR: " + mismatch.getMessage()).toFrame());
        out.flush();
        throw mismatch;
    }
}
