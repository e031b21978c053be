package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Hello;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peer credentials: a client running under another uid is refused (and logged), unless allowed.
 * Runs a tiny Python client as {@code nobody} through {@code runuser}, so it needs root, runuser and
 * /usr/bin/python3; without them it is skipped, with the reason.
 */
@Timeout(30)
class PeerCredentialsTest {
    /** Sends HELLO and a version REQUEST, then prints everything the server sent, in hex. */
    private static final String CLIENT = String.join("\n",
            "import socket, struct, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.settimeout(10)",
            "s.connect(sys.argv[1])",
            "def string(text):",
            "    b = text.encode()",
            "    return struct.pack('>I', len(b)) + b",
            "hello = b'HSWP' + struct.pack('>H', 1)",
            "request = string('version') + struct.pack('>H', 0) + struct.pack('>H', 0)",
            "try:",
            "    s.sendall(b'H' + struct.pack('>I', len(hello)) + hello + b'R' + struct.pack('>I', len(request)) + request)",
            "except OSError:",
            "    pass",
            "data = b''",
            "while True:",
            "    try:",
            "        chunk = s.recv(65536)",
            "    except OSError:",
            "        break",
            "    if not chunk:",
            "        break",
            "    data += chunk",
            "print(data.hex())");

    private final EngineFixture fixture = new EngineFixture();
    private Hotswap hotswap;
    private long nobody;

    @BeforeEach
    void requireRunningAsNobody() throws Exception {
        nobody = fixture.requireRunningAsNobody();
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (hotswap != null) {
            hotswap.close();
        }
        fixture.close();
    }

    @Test
    void clientUnderAnotherUidIsRefusedAndLogged() throws Exception {
        startReachableByNobody(fixture.builder(fixture.versioned("production.sqlite3", false, 1, 1)));
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(AdminServer.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try {
            List<Frame> frames = runAsNobody();

            assertEquals(1, frames.size(), frames.toString());
            assertEquals(new Exit(1, "ERROR: permission denied: uid " + nobody + " may not use this hotswap server"),
                    Exit.from(frames.get(0)));
            assertTrue(warnings.stream().anyMatch(line -> line.matches(
                    "refused admin connection from uid " + nobody + " pid [1-9][0-9]* .*")), warnings.toString());
        } finally {
            log.removeHandler(handler);
        }
    }

    @Test
    void allowedUidIsServed() throws Exception {
        startReachableByNobody(fixture.builder(fixture.versioned("production.sqlite3", false, 1, 1)).allowedUids(nobody));

        List<Frame> frames = runAsNobody();

        assertEquals(new Hello(1), Hello.from(frames.get(0)));
        assertEquals(FrameType.DATA_OUT, frames.get(1).type());
        assertTrue(frames.get(1).text().startsWith("hotswap-engine "), frames.get(1).text());
        assertEquals(new Exit(0, ""), Exit.from(frames.get(frames.size() - 1)));
    }

    /** Starts the server and opens the path to its socket (normally 0700/0600) so that nobody can connect. */
    private void startReachableByNobody(HotswapBuilder builder) throws IOException {
        hotswap = builder.build().start();
        Files.setPosixFilePermissions(fixture.dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(fixture.socket().getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(fixture.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertTrue(Files.exists(fixture.socket(), LinkOption.NOFOLLOW_LINKS));
    }

    private List<Frame> runAsNobody() throws Exception {
        Process client = new ProcessBuilder("runuser", "-u", "nobody", "--", EngineFixture.PYTHON.toString(), "-c", CLIENT,
                fixture.socket().toString()).redirectErrorStream(true).start();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(client.waitFor(20, TimeUnit.SECONDS), "client did not finish");
        assertEquals(0, client.exitValue(), out);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(HexFormat.of().parseHex(out)));
        List<Frame> frames = new java.util.ArrayList<>();
        for (Frame frame; (frame = reader.read()) != null;) {
            frames.add(frame);
        }
        return frames;
    }
}
