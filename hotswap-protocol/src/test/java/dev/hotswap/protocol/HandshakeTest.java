package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HandshakeTest {

    /** Two connected peers over pipes, each side with its reader and writer. */
    record Peers(FrameReader clientIn, FrameWriter clientOut, FrameReader serverIn, FrameWriter serverOut) {
        static Peers connect() throws IOException {
            PipedInputStream toServer = new PipedInputStream(1 << 16);
            PipedInputStream toClient = new PipedInputStream(1 << 16);
            return new Peers(new FrameReader(toClient), new FrameWriter(new PipedOutputStream(toServer)),
                    new FrameReader(toServer), new FrameWriter(new PipedOutputStream(toClient)));
        }
    }

    @Test
    void peersOfTheSameVersionShakeHands() throws Exception {
        Peers peers = Peers.connect();
        CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> unchecked(
                () -> Handshake.server(peers.serverIn(), peers.serverOut())));
        assertEquals(Protocol.VERSION, Handshake.client(peers.clientIn(), peers.clientOut()));
        assertEquals(Protocol.VERSION, server.get(5, TimeUnit.SECONDS));
    }

    @Test
    void serverSpeaksTheOlderVersionOfAVersion1Client() throws Exception {
        Peers peers = Peers.connect();
        CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> unchecked(
                () -> Handshake.server(peers.serverIn(), peers.serverOut())));
        assertEquals(1, Handshake.client(peers.clientIn(), peers.clientOut(), 1));
        assertEquals(1, server.get(5, TimeUnit.SECONDS));
    }

    @Test
    void version1ServerAnswersANewerClientWithExitAndTheClientMustReconnect() throws Exception {
        Peers peers = Peers.connect();
        CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> unchecked(() -> {
            Handshake.serverOfExactly(peers.serverIn(), peers.serverOut(), 1);
            return 1;
        }));
        int answered = Handshake.client(peers.clientIn(), peers.clientOut(), 2);
        assertEquals(1, answered);
        assertTrue(Handshake.mustReconnect(2, answered));

        ExecutionException failed = assertThrows(ExecutionException.class, () -> server.get(5, TimeUnit.SECONDS));
        assertEquals(VersionMismatchException.class, failed.getCause().getCause().getClass());
        // A version 1 server explains itself in an EXIT frame after its HELLO.
        assertEquals(new Exit(Protocol.EXIT_UNREACHABLE, "ERROR: protocol version mismatch (client 2, server 1)"),
                Exit.from(peers.clientIn().read()));
    }

    @Test
    void clientOlderThanTheOldestVersionIsRefusedOnBothSides() throws Exception {
        Peers peers = Peers.connect();
        CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> unchecked(
                () -> Handshake.server(peers.serverIn(), peers.serverOut())));
        VersionMismatchException client = assertThrows(VersionMismatchException.class,
                () -> Handshake.client(peers.clientIn(), peers.clientOut(), 0));
        assertEquals("protocol version mismatch (client 0, server 4)", client.getMessage());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> server.get(5, TimeUnit.SECONDS));
        assertEquals(VersionMismatchException.class, failed.getCause().getCause().getClass());
        assertEquals(new Exit(Protocol.EXIT_UNREACHABLE, "ERROR: protocol version mismatch (client 0, server 4)"),
                Exit.from(peers.clientIn().read()));
    }

    @Test
    void serverRefusesAFirstFrameThatIsNotHello() throws Exception {
        Peers peers = Peers.connect();
        peers.clientOut().send(Request.of("ls").toFrame());
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> Handshake.server(peers.serverIn(), peers.serverOut()));
        assertEquals("expected HELLO frame, got REQUEST", refused.getMessage());
    }

    @Test
    void clientReportsAnExitInsteadOfHello() throws Exception {
        Peers peers = Peers.connect();
        peers.serverOut().send(new Exit(Protocol.EXIT_FAILED, "ERROR: too many connections").toFrame());
        TransferAbortedException refused = assertThrows(TransferAbortedException.class,
                () -> Handshake.client(peers.clientIn(), peers.clientOut()));
        assertEquals("ERROR: too many connections", refused.getMessage());
        assertEquals(new Exit(Protocol.EXIT_FAILED, "ERROR: too many connections"), Exit.from(refused.frame()));
    }

    @Test
    void clientReadsTheRefusalEvenWhenItsHelloCannotBeSent() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "hs");
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                // A busy server: its refusal, and the connection closed before the client's HELLO.
                try (SocketChannel accepted = server.accept()) {
                    new FrameWriter(Channels.newOutputStream(accepted))
                            .send(new Exit(Protocol.EXIT_FAILED, "ERROR: server busy").toFrame());
                }
                TransferAbortedException refused = assertThrows(TransferAbortedException.class,
                        () -> Handshake.client(new FrameReader(Channels.newInputStream(client)),
                                new FrameWriter(Channels.newOutputStream(client))));
                assertEquals(new Exit(Protocol.EXIT_FAILED, "ERROR: server busy"), Exit.from(refused.frame()));
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }

    interface IoAction<T> {
        T run() throws IOException;
    }

    static <T> T unchecked(IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
