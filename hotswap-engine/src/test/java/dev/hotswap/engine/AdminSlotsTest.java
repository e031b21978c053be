package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Hello;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the admin socket hands out its connection slots, and how it turns clients away. */
@Timeout(30)
class AdminSlotsTest {
    /** Says HELLO, prints the answer's kind (and an EXIT's message), then holds on until killed. */
    private static final String HOLDER = String.join("\n",
            "import socket, struct, sys, time",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.settimeout(10)",
            "s.connect(sys.argv[1])",
            "hello = b'HSWP' + struct.pack('>H', 1)",
            "s.sendall(b'H' + struct.pack('>I', len(hello)) + hello)",
            "def exactly(n):",
            "    data = b''",
            "    while len(data) < n:",
            "        chunk = s.recv(n - len(data))",
            "        if not chunk:",
            "            break",
            "        data += chunk",
            "    return data",
            "header = exactly(5)",
            "payload = exactly(struct.unpack('>I', header[1:5])[0])",
            "print('HELLO' if header[0:1] == b'H' else 'EXIT ' + payload[1:].decode(), flush=True)",
            "time.sleep(30)");

    private final EngineFixture fixture = new EngineFixture();
    private final List<Process> holders = new ArrayList<>();
    private Path live;
    private Hotswap hotswap;

    @BeforeEach
    void setUp() throws Exception {
        live = fixture.versioned("production.sqlite3", false, 1, 1);
    }

    @AfterEach
    void cleanUp() throws IOException {
        holders.forEach(Process::destroyForcibly);
        if (hotswap != null) {
            hotswap.close();
        }
        fixture.close();
    }

    @Test
    void aBusyServerHearsTheClientOutBeforeItCloses() throws Exception {
        hotswap = fixture.builder(live).maxConnections(1).build().start();
        try (EngineFixture.Client first = EngineFixture.connect(hotswap.socketPath())) {
            first.hello(); // holds the one slot
            EngineFixture.Client late = EngineFixture.connect(hotswap.socketPath());
            awaitBytes(late.socket.getInputStream(), "the busy answer");
            Thread.sleep(100); // a server that closes right after its answer has closed by now

            late.out.send(new Hello(1).toFrame()); // a broken pipe here turned "busy" into "unreachable"

            assertEquals(new Exit(1, "ERROR: server busy (1 admin connections at once); try again"),
                    Exit.from(late.next()));
            late.close();
        }
    }

    @Test
    void theLastSlotIsKeptForTheServersOwnUser() throws Exception {
        long nobody = fixture.requireRunningAsNobody();
        hotswap = fixture.builder(live).maxConnections(2).allowedUids(nobody).build().start();
        Files.setPosixFilePermissions(fixture.dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(fixture.socket().getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(fixture.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));

        assertEquals("HELLO", holdAsNobody(), "the first other user is served");
        assertEquals("EXIT ERROR: server busy (1 admin connections at once for other users; the last is kept for"
                + " the server's own user); try again", holdAsNobody(), "the last slot is not for other users");
        try (EngineFixture.Client owner = EngineFixture.connect(hotswap.socketPath()).hello().request("version")) {
            owner.data();
            assertEquals(new Exit(0, ""), owner.exit(), "the server's own user still gets in");
        }
    }

    @Test
    void theSocketIsGroupConnectableOnlyWhenOtherUidsAreAllowed() throws Exception {
        hotswap = fixture.builder(live).allowedUids(65534).build().start();
        assertEquals("rw-rw----", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(fixture.socket(), LinkOption.NOFOLLOW_LINKS)));
    }

    /** Connects as nobody, says HELLO and reports the answer ("HELLO" or "EXIT message"); keeps the connection open. */
    private String holdAsNobody() throws Exception {
        Process holder = new ProcessBuilder("runuser", "-u", "nobody", "--", EngineFixture.PYTHON.toString(), "-c", HOLDER,
                fixture.socket().toString()).redirectErrorStream(true).start();
        holders.add(holder);
        BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = said.readLine();
        assertTrue(line != null, "the client as nobody said nothing");
        return line;
    }

    private static void awaitBytes(InputStream in, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (in.available() == 0) {
            assertTrue(System.nanoTime() < deadline, "no " + what + " within 10 s");
            Thread.sleep(5);
        }
    }
}
