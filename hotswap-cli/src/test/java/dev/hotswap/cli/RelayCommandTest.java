package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Hello;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.Request;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code hotswap relay}, the remote end of {@code HOST:PATH}: the local CLI's trust rules, then bytes both ways. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayCommandTest {

    @Test
    void relaysTheConversationBothWaysUnchanged() throws Exception {
        AtomicReference<Request> request = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.exit(0, "listed");
        })) {
            ByteArrayOutputStream client = new ByteArrayOutputStream();
            FrameWriter writer = new FrameWriter(client);
            writer.send(new Hello(Protocol.VERSION).toFrame());
            writer.send(Request.of("ls").toFrame());
            CommandRun.Result run = CommandRun.in(server.socket().getParent())
                    .stdin(new ByteArrayInputStream(client.toByteArray()))
                    .run("relay", "--socket", server.socket().toString());
            assertEquals(0, run.code(), run::toString);
            assertEquals("", run.stderr());
            FrameReader answers = new FrameReader(new ByteArrayInputStream(run.stdoutBytes()));
            assertEquals(Protocol.VERSION, Hello.from(answers.read()).version());
            Frame exit = answers.read();
            assertEquals(new Exit(0, "listed"), Exit.from(exit));
            assertNull(answers.read(), "nothing after the server's EXIT");
            server.await();
        }
        assertEquals(Request.of("ls"), request.get());
    }

    @Test
    void refusesASocketInAFolderOthersMayWriteIntoAndRelaysNothing() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> peer.awaitClose())) {
            Path folder = server.socket().getParent();
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
            try {
                CommandRun.Result run = CommandRun.in(folder).stdin(new ByteArrayInputStream(new byte[100]))
                        .run("relay", "--socket", server.socket().toString());
                assertEquals(3, run.code(), run::toString);
                assertEquals(0, run.stdoutBytes().length);
                assertTrue(run.stderr().startsWith("ERROR: refusing the hotswap socket " + server.socket()
                        + ": socket folder " + folder + " (mode 0777"), run::toString);
            } finally {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }
}
