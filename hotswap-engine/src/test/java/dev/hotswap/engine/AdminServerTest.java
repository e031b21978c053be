package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import dev.hotswap.protocol.End;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.Listing;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Handshake;
import dev.hotswap.protocol.Hello;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.VersionMismatchException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The admin socket over a real Unix socket, with the protocol module as the client. */
@Timeout(30)
class AdminServerTest {
    private final EngineFixture fixture = new EngineFixture();
    private Path live;
    private Path incoming;
    private Hotswap hotswap;

    @BeforeEach
    void setUp() throws Exception {
        live = fixture.versioned("production.sqlite3", true, 1, 10);
        incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (hotswap != null) {
            hotswap.close();
        }
        fixture.close();
    }

    private Hotswap start(HotswapBuilder builder) throws IOException {
        hotswap = builder.build().start();
        return hotswap;
    }

    private Hotswap start() throws IOException {
        return start(fixture.builder(live));
    }

    private EngineFixture.Client client() throws IOException {
        return EngineFixture.connect(fixture.socket());
    }

    @Test
    void versionAnswersWithModuleAndProtocolVersion() throws Exception {
        start();
        try (EngineFixture.Client client = client().hello().request("version")) {
            assertEquals("hotswap-engine 0.1.0-SNAPSHOT protocol 4\n", new String(client.data(), StandardCharsets.UTF_8));
            assertEquals(new Exit(0, ""), client.exit());
        }
    }

    @Test
    void lsListsEveryGenerationOfEveryManagedDatabase() throws Exception {
        Path staging = fixture.versioned("staging.sqlite3", false, 1, 1);
        start(fixture.builder(live).database("staging", staging));
        List<Listing.Row> before;
        try (EngineFixture.Client client = client().hello().request("ls")) {
            before = Listing.parse(new String(client.data(), StandardCharsets.UTF_8));
            assertEquals(new Exit(0, ""), client.exit());
        }
        assertEquals(2, before.size(), before.toString());
        Listing.Row production = before.get(0);
        assertEquals(List.of("production", "1", "CURRENT", "4096", "wal", "-1", "0", live.toString()),
                List.of(production.database(), Long.toString(production.generation()), production.state().name(),
                        Integer.toString(production.pageSize()), production.journal(),
                        Long.toString(production.pauseMicros()), Long.toString(production.requests()), production.path()));
        assertEquals(Files.size(live), production.bytes());
        assertEquals("delete", before.get(1).journal());

        hotswap.push("production", Files.newInputStream(incoming), PushOptions.defaults());
        try (EngineFixture.Client client = client().hello().request("ls")) {
            List<Listing.Row> after = Listing.parse(new String(client.data(), StandardCharsets.UTF_8));
            assertEquals(new Exit(0, ""), client.exit());
            assertEquals(List.of("production 2 CURRENT", "production 1 KEPT", "staging 1 CURRENT"), after.stream()
                    .map(row -> row.database() + " " + row.generation() + " " + row.state()).toList());
            assertTrue(after.get(0).pauseMicros() >= 0);
            java.time.Instant.parse(after.get(0).since());
            assertEquals(fixture.generation("production.sqlite3", 1).toRealPath().toString(), after.get(1).path());
        }
    }

    @Test
    void pushSwapsAndEndsWithOk() throws Exception {
        start();
        try (EngineFixture.Client client = client().hello().request("cp", incoming.toString(), live.toString())) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));
            client.upload(Files.readAllBytes(incoming));
            assertEquals(new Exit(0, "OK"), client.exit());
            List<String> phases = client.side.stream().filter(line -> line.startsWith("PHASE")).toList();
            assertEquals(List.of("PHASE upload", "PHASE integrity check", "PHASE schema check", "PHASE swap"), phases);
            assertTrue(client.side.contains("STATUS Swapping database..."), client.side.toString());
            assertTrue(client.side.stream().anyMatch(line -> line.matches("STATUS integrity check \\d+ ms")), client.side.toString());
            assertTrue(client.side.stream().anyMatch(line -> line.matches("STATUS pause \\d+ µs")), client.side.toString());
        }
        assertEquals(List.of("2"), EngineFixture.query(live, "SELECT version FROM meta"));
        assertTrue(DatabaseHeader.read(live).wal());
    }

    @Test
    void pushByNameWithSkipOptions() throws Exception {
        start();
        Path other = fixture.database("other.sqlite3", false, "CREATE TABLE other (x)");
        try (EngineFixture.Client client = client().hello().request("cp",
                Map.of("skip-integrity-check", "true", "skip-schema-check", "true"), other.toString(), "production")) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));
            client.upload(Files.readAllBytes(other));
            assertEquals(new Exit(0, "OK"), client.exit());
            assertTrue(client.side.contains("STATUS integrity check skipped"), client.side.toString());
            assertTrue(client.side.contains("STATUS schema check skipped"), client.side.toString());
        }
        assertEquals(List.of("other"), EngineFixture.query(live, "SELECT name FROM sqlite_master"));
    }

    @Test
    void schemaMismatchIsExit1WithTheDiff() throws Exception {
        start();
        Path other = fixture.database("other.sqlite3", false,
                "CREATE TABLE meta (version INTEGER NOT NULL)",
                "CREATE TABLE items (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, name TEXT)",
                "CREATE INDEX items_version ON items (version)",
                "CREATE TABLE log (id INTEGER PRIMARY KEY, note TEXT, at TEXT)");
        byte[] before = Files.readAllBytes(live);
        try (EngineFixture.Client client = client().hello().request("cp", other.toString(), live.toString())) {
            Ready.from(client.next());
            client.upload(Files.readAllBytes(other));
            assertEquals(new Exit(1, "ERROR: schema mismatch\n"
                    + "- CREATE TABLE log (id INTEGER PRIMARY KEY, note TEXT)\n"
                    + "+ CREATE TABLE log (id INTEGER PRIMARY KEY, note TEXT, at TEXT)"), client.exit());
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void pullStreamsAConsistentSnapshot() throws Exception {
        start();
        Files.setPosixFilePermissions(live, PosixFilePermissions.fromString("rw-r-----"));
        Path backup = fixture.dir.resolve("backup.sqlite3");
        try (EngineFixture.Client client = client().hello().request("cp", live.toString(), backup.toString())) {
            assertEquals(new Ready(Ready.Direction.PULL, "production", OptionalInt.of(0640)), Ready.from(client.next()));
            byte[] bytes = client.data();
            assertEquals(new Exit(0, ""), client.exit());
            assertEquals("PHASE snapshot", client.side.get(0));
            assertTrue(client.side.get(1).matches("STATUS snapshot \\d+ bytes in \\d+ ms"), client.side.toString());
            Files.write(backup, bytes);
        }
        assertEquals(List.of("ok"), EngineFixture.query(backup, "PRAGMA integrity_check"));
        assertEquals(List.of("10"), EngineFixture.query(backup, "SELECT count(*) FROM items"));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void truncatedUploadIsRefusedByTheSanityCheck() throws Exception {
        start();
        byte[] whole = Files.readAllBytes(incoming);
        byte[] half = Arrays.copyOf(whole, whole.length / 2 / 4096 * 4096);
        try (EngineFixture.Client client = client().hello().request("cp",
                Map.of("skip-integrity-check", "true", "skip-schema-check", "true"), incoming.toString(), live.toString())) {
            Ready.from(client.next());
            client.upload(half);
            Exit exit = client.exit();
            assertEquals(1, exit.code());
            assertTrue(exit.message().startsWith("ERROR: truncated database: the header says"), exit.message());
        }
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void abortDuringUploadLeavesNoTempFile() throws Exception {
        start();
        try (EngineFixture.Client client = client().hello().request("cp", incoming.toString(), live.toString())) {
            Ready.from(client.next());
            client.out.write(new Frame(FrameType.DATA_IN, new byte[4096]));
            client.out.send(Frame.text(FrameType.ABORT, "interrupted"));
            assertEquals(new Exit(1, "ERROR: upload aborted by the client (interrupted); database untouched"), client.exit());
        }
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        assertEquals(List.of("1"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void corruptEndIsRefused() throws Exception {
        start();
        try (EngineFixture.Client client = client().hello().request("cp", incoming.toString(), live.toString())) {
            Ready.from(client.next());
            client.out.write(new Frame(FrameType.DATA_IN, new byte[] {1, 2, 3}));
            client.out.send(new End(3, 0).toFrame());
            Exit exit = client.exit();
            assertEquals(1, exit.code());
            assertTrue(exit.message().startsWith("ERROR: upload corrupt: CRC32C mismatch"), exit.message());
        }
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void disconnectMidUploadLeavesNoTempFile() throws Exception {
        start();
        try (EngineFixture.Client client = client().hello().request("cp", incoming.toString(), live.toString())) {
            Ready.from(client.next());
            assertEquals(Frame.text(FrameType.PHASE, "upload"), client.next()); // the temp file exists now
            client.out.send(new Frame(FrameType.DATA_IN, Arrays.copyOf(Files.readAllBytes(incoming), 8192)));
            assertEquals(1, EngineFixture.temps(fixture.dir).size());
        }
        while (!EngineFixture.temps(fixture.dir).isEmpty()) {
            Thread.sleep(10); // the server notices the closed connection on its own thread
        }
        assertEquals(List.of("1"), EngineFixture.query(live, "SELECT version FROM meta"));
        assertVersionStillAnswers();
    }

    @Test
    void secondPushIsRefusedAtOnceInsteadOfReady() throws Exception {
        start();
        try (EngineFixture.Client first = client().hello().request("cp", incoming.toString(), live.toString())) {
            Ready.from(first.next());
            try (EngineFixture.Client second = client().hello().request("cp", incoming.toString(), "production")) {
                assertEquals(new Exit(1, "ERROR: another push or rollback of production is in progress"), second.exit());
            }
            first.upload(Files.readAllBytes(incoming));
            assertEquals(new Exit(0, "OK"), first.exit());
        }
    }

    @Test
    void badRequestsAreExit2NamingTheManagedDatabases() throws Exception {
        start();
        String managed = "(managed: production " + live + ")";
        assertEquals(new Exit(2, "ERROR: unknown command 'rm' (commands: cp, ls, rollback, version)"), answer("rm"));
        assertEquals(new Exit(2, "ERROR: neither path is a managed database " + managed),
                answer("cp", "/tmp/a.sqlite3", "/tmp/b.sqlite3"));
        assertEquals(new Exit(2, "ERROR: both paths are managed databases; one side must be a file or - " + managed),
                answer("cp", "production", live.toString()));
        assertEquals(new Exit(2, "ERROR: cp takes 2 arguments (source and destination), got 1"), answer("cp", "production"));
        assertEquals(new Exit(2, "ERROR: ls takes no arguments or options"), answer("ls", "x"));
        try (EngineFixture.Client client = client().hello().request("cp", Map.of("force", "true"), "-", "production")) {
            assertEquals(new Exit(2, "ERROR: unknown option 'force' for cp (options: skip-integrity-check, skip-schema-check, skip-check, dry-run, size, fleet, nodes, min-nodes)"),
                    client.exit());
        }
        // The other side is only a name in messages: a path that does not exist is fine, and never touched.
        try (EngineFixture.Client client = client().hello().request("cp", live.resolveSibling("x/../production.sqlite3").toString(), "-")) {
            assertEquals(Ready.Direction.PULL, Ready.from(client.next()).direction());
            client.data();
            assertEquals(new Exit(0, ""), client.exit());
        }
    }

    private Exit answer(String command, String... args) throws IOException {
        try (EngineFixture.Client client = client().hello().request(command, args)) {
            return client.exit();
        }
    }

    @Test
    void versionMismatchIsExit3() throws Exception {
        start();
        try (EngineFixture.Client client = client()) {
            assertThrows(VersionMismatchException.class, () -> Handshake.client(client.in, client.out, 0));
            assertEquals(new Exit(3, "ERROR: protocol version mismatch (client 0, server 4)"), Exit.from(client.next()));
            assertNull(client.next());
        }
    }

    @Test
    void garbageFramesGetExit2AndTheServerKeepsServing() throws Exception {
        start();
        // Unknown frame type as the first byte.
        try (EngineFixture.Client client = client()) {
            client.socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Exit exit = Exit.from(client.next());
            assertEquals(new Exit(2, "ERROR: protocol error: unknown frame type 0x47"), exit);
            assertNull(client.next());
        }
        // A huge length header is refused before anything is allocated.
        try (EngineFixture.Client client = client().hello()) {
            OutputStream raw = client.socket.getOutputStream();
            raw.write(new byte[] {'R', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            raw.flush();
            assertEquals(new Exit(2, "ERROR: protocol error: REQUEST frame length 4294967295 exceeds 1048576"),
                    Exit.from(client.next()));
        }
        // A request before the handshake.
        try (EngineFixture.Client client = client().request("version")) {
            assertEquals(new Exit(2, "ERROR: protocol error: expected HELLO frame, got REQUEST"), Exit.from(client.next()));
        }
        // Bad magic.
        try (EngineFixture.Client client = client()) {
            client.out.send(new Frame(FrameType.HELLO, new byte[] {'N', 'O', 'P', 'E', 0, 1}));
            assertEquals(new Exit(2, "ERROR: protocol error: not a hotswap peer: HELLO lacks the HSWP magic"),
                    Exit.from(client.next()));
        }
        // A frame that is not a data frame inside the upload.
        try (EngineFixture.Client client = client().hello().request("cp", incoming.toString(), "production")) {
            Ready.from(client.next());
            client.out.send(new Hello(1).toFrame());
            Exit exit = client.exit();
            assertEquals(1, exit.code());
            assertTrue(exit.message().startsWith("ERROR: push failed: unexpected HELLO frame inside a DATA_IN stream"),
                    exit.message());
        }
        // A client that connects and leaves at once.
        client().close();
        assertVersionStillAnswers();
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void idleClientIsCutOff() throws Exception {
        start(fixture.builder(live).idleTimeout(Duration.ofMillis(200)));
        try (EngineFixture.Client client = client().hello()) {
            assertEquals(new Exit(1, "ERROR: connection idle for 200ms; closed"), Exit.from(client.next()));
            assertNull(client.next());
        }
        assertVersionStillAnswers();
    }

    @Test
    void clientThatStopsReadingIsCutOff() throws Exception {
        // A pull by a client that never reads fills the socket buffers; the watchdog ends the conversation.
        pullCutOffForNotReading(false);
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        assertVersionStillAnswers();
    }

    @Test
    void walPullCutOffForNotReadingEndsItsReadTransaction() throws Exception {
        // A WAL pull streams the file itself under a read transaction; a pull cut off must end it, or
        // the log could never be written back again.
        Hotswap server = pullCutOffForNotReading(true);
        try (java.sql.Connection c = server.dataSource("big").getConnection();
                java.sql.Statement statement = c.createStatement()) {
            statement.execute("PRAGMA wal_autocheckpoint=0");
            statement.execute("INSERT INTO meta VALUES (2)");
            try (java.sql.ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                row.next();
                assertEquals(row.getLong(2), row.getLong(3), "every frame of the log written back: no reader holds it");
            }
        }
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    /**
     * Starts an engine over a 200 000-row database, pulls it with a client that never reads, and
     * waits until the watchdog cuts the pull off.
     */
    private Hotswap pullCutOffForNotReading(boolean wal) throws Exception {
        Path big = fixture.versioned("big.sqlite3", wal, 1, 200_000);
        Hotswap server = start(Hotswap.builder().database("big", big).socket(fixture.socket())
                .idleTimeout(Duration.ofMillis(300)));
        try (EngineFixture.Client client = client().hello().request("cp", "big", "-")) {
            SlowClientTest.await(() -> server.adminConversations() > 0, "the pull to start");
            SlowClientTest.await(() -> server.adminConversations() == 0, "the watchdog to cut the pull off");
            assertFalse(client.socket.isClosed(), "the client never read and never closed");
        }
        return server;
    }

    @Test
    void extraConnectionsAreAnsweredBusy() throws Exception {
        start(fixture.builder(live).maxConnections(1));
        try (EngineFixture.Client first = client()) {
            first.out.send(new Hello(1).toFrame());
            assertEquals(new Hello(1), Hello.from(first.next())); // the one conversation is running
            try (EngineFixture.Client second = client()) {
                assertEquals(new Exit(1, "ERROR: server busy (1 admin connections at once); try again"),
                        Exit.from(second.next()));
            }
        }
    }

    @Test
    void socketFileIsPrivateAndRemovedOnClose() throws Exception {
        start();
        Path socket = fixture.socket();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        assertEquals(socket, hotswap.socketPath());
        hotswap.close();
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void staleSocketIsReplaced() throws Exception {
        Files.createDirectories(fixture.socket().getParent());
        AFUNIXServerSocket dead = AFUNIXServerSocket.newInstance();
        dead.bind(AFUNIXSocketAddress.of(fixture.socket()));
        dead.setDeleteOnClose(false);
        dead.close();
        assertTrue(Files.exists(fixture.socket(), LinkOption.NOFOLLOW_LINKS));

        start();
        assertVersionStillAnswers();
    }

    @Test
    void refusesToStartWhereALiveServerAnswers() throws Exception {
        start();
        Hotswap second = fixture.builder(live).build();
        IOException refused = assertThrows(IOException.class, second::start);
        assertEquals("a live server answers on " + fixture.socket() + "; refusing to start a second one", refused.getMessage());
        second.close();
        assertVersionStillAnswers();
    }

    @Test
    void refusesToReplaceAFileThatIsNoSocket() throws Exception {
        Files.createDirectories(fixture.socket().getParent());
        Files.writeString(fixture.socket(), "precious");
        Hotswap server = fixture.builder(live).build();
        IOException refused = assertThrows(IOException.class, server::start);
        assertEquals(fixture.socket() + " exists and is not a socket; refusing to replace it", refused.getMessage());
        assertEquals("precious", Files.readString(fixture.socket()));
    }

    private void assertVersionStillAnswers() throws IOException {
        try (EngineFixture.Client client = client().hello().request("version")) {
            client.data();
            assertEquals(new Exit(0, ""), client.exit());
        }
    }
}
