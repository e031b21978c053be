package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Listing;
import dev.hotswap.protocol.Ready;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine's extension point for fleets, over the real admin socket: a {@code --fleet} push is
 * received and checked here first and then handed, staged, to the registered {@link Rollouts}; its
 * lines reach the client, and its result becomes the conversation's end. The rollouts here are a
 * fleet of this one server: they flip the staged generation on "commit" and discard it on "abort".
 */
@Timeout(30)
class RolloutsTest {
    private final EngineFixture fixture = new EngineFixture();
    private final OneServer fleet = new OneServer();
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

    private Hotswap start() throws IOException {
        hotswap = fixture.builder(live).rollouts(fleet).build().start();
        return hotswap;
    }

    /** Pushes {@code file} with {@code options} ({@code fleet=true} and the like), returning the EXIT. */
    private Exit push(Path file, Map<String, String> options, List<String> side) throws IOException {
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("cp", options, file.toString(), "production")) {
            Ready.from(client.next());
            client.upload(Files.readAllBytes(file));
            Exit exit = client.exit();
            side.addAll(client.side);
            return exit;
        }
    }

    @Test
    void fleetPushIsCheckedHereThenStagedForTheRolloutsWhichFlipIt() throws Exception {
        start();
        List<String> side = new ArrayList<>();

        Exit exit = push(incoming, Map.of("fleet", "true"), side);

        assertEquals(new Exit(0, "OK"), exit);
        assertEquals(List.of(Rollouts.Nodes.alive()), fleet.pushedFor);
        assertTrue(side.contains("PHASE integrity check") && side.contains("PHASE schema check"), side::toString);
        int rollout = side.indexOf("PHASE rollout");
        assertTrue(rollout > side.indexOf("PHASE schema check"), () -> "the rollout follows the checks: " + side);
        List<String> tail = side.subList(rollout + 1, side.size());
        assertEquals("STATUS here: staged generation 2 for rollout r-1", tail.get(0));
        assertTrue(tail.contains("STATUS here: flipped"), tail::toString);
        assertEquals("STATUS rollout r-1 of production committed: 1 of 1 nodes flipped", tail.get(tail.size() - 1));
        assertEquals(List.of("2"), EngineFixture.query(live, "SELECT version FROM meta"));
        DatabaseStatus status = hotswap.status().get(0);
        assertEquals(2, status.current().id());
        assertEquals("r-1", status.current().rolloutId(), "the rollout id assigned after staging is the generation's");
    }

    @Test
    void lsShowsTheRolloutOfEachGenerationAlsoAfterARestart() throws Exception {
        start();
        push(incoming, Map.of("fleet", "true"), new ArrayList<>());
        hotswap.close();
        hotswap = fixture.builder(live).build().start();

        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello().request("ls")) {
            List<Listing.Row> rows = Listing.parse(new String(client.data(), StandardCharsets.UTF_8));
            assertEquals(List.of("2 current r-1", "1 kept null"), rows.stream()
                    .map(row -> row.generation() + " " + row.state().name().toLowerCase() + " " + row.rolloutId())
                    .toList());
        }
    }

    @Test
    void fileThatFailsItsChecksHereNeverReachesTheRollouts() throws Exception {
        start();
        Path garbage = Files.write(fixture.dir.resolve("garbage.sqlite3"), new byte[8192]);

        Exit exit = push(garbage, Map.of("fleet", "true"), new ArrayList<>());

        assertEquals(new Exit(1, "ERROR: not a SQLite database (no \"SQLite format 3\" header)"), exit);
        assertEquals(List.of(), fleet.pushedFor);
    }

    @Test
    void abortedRolloutIsExit1WithItsSummaryAndLeavesTheDatabaseAsItWas() throws Exception {
        fleet.commit = false;
        start();
        byte[] before = EngineFixture.bytes(live.toRealPath());
        List<String> side = new ArrayList<>();

        Exit exit = push(incoming, Map.of("fleet", "true", "nodes", "here,there"), side);

        assertEquals(new Exit(1, "ERROR: rollout r-1 of production aborted: node there refused; nothing flipped"), exit);
        assertEquals(List.of(Rollouts.Nodes.named(List.of("here", "there"))), fleet.pushedFor);
        assertTrue(side.contains("STATUS there: ERROR: schema mismatch\n- a\n+ b"), side::toString);
        assertEquals(1, hotswap.status().get(0).current().id());
        assertEquals(List.of(1L), fixture.generations("production.sqlite3"), "the staged generation is gone");
        assertEquals(-1, java.util.Arrays.mismatch(before, EngineFixture.bytes(live.toRealPath())));
        assertEquals(new Exit(0, "OK"), push(incoming, Map.of(), new ArrayList<>()), "the database is free again");
    }

    @Test
    void fleetDryRunToRolloutsThatCannotCheckFailsAndDiscardsTheStagedFile() throws Exception {
        start();
        byte[] before = EngineFixture.bytes(live.toRealPath());
        List<String> side = new ArrayList<>();

        Exit exit = push(incoming, Map.of("fleet", "true", "dry-run", "true"), side);

        assertEquals(new Exit(1, "ERROR: this fleet cannot check a push on every node; run --dry-run without --fleet"
                + " on each server"), exit);
        assertTrue(side.contains("PHASE schema check"), () -> "checked here first: " + side);
        assertEquals(List.of(), fleet.pushedFor, "nothing was rolled out");
        assertEquals(1, hotswap.status().get(0).current().id());
        assertEquals(List.of(1L), fixture.generations("production.sqlite3"), "the staged generation is gone");
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        assertEquals(-1, java.util.Arrays.mismatch(before, EngineFixture.bytes(live.toRealPath())));
        assertEquals(new Exit(0, "OK"), push(incoming, Map.of(), new ArrayList<>()), "the database is free again");
    }

    @Test
    void fleetRollbackGoesToTheRolloutsWithItsTarget() throws Exception {
        start();
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("rollback", Map.of("fleet", "true", "to", "000041", "min-nodes", "3"), "production")) {
            assertEquals(new Exit(0, "OK"), client.exit());
            assertEquals(List.of("PHASE rollout", "STATUS rollback of production to 000041 for at least 3 nodes",
                    "STATUS rollout r-2 of production committed: 3 of 3 nodes flipped"), client.side);
        }
        assertEquals(List.of(Rollouts.Nodes.atLeast(3)), fleet.rolledBackFor);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nodes=a,b|ERROR: option nodes applies to fleet rollouts only (option fleet)",
        "min-nodes=2|ERROR: option min-nodes applies to fleet rollouts only (option fleet)",
        "fleet=yes|ERROR: option fleet takes the value true, not 'yes'",
        "fleet=true;nodes=a;min-nodes=1|ERROR: options nodes and min-nodes exclude each other: name the nodes, or ask"
                + " for a number of alive ones",
        "fleet=true;skip-schema-check=true|ERROR: skip-schema-check does not apply to fleet rollouts: every node runs"
                + " every check",
        "fleet=true;nodes=a,a|ERROR: node a is named twice in 'a,a'",
        "fleet=true;min-nodes=0|ERROR: min-nodes takes a number of nodes from 1 to 1000, not '0'"})
    void misusedFleetOptionsAreExit2BeforeAnyUpload(String options, String message) throws Exception {
        start();
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("cp", parse(options), incoming.toString(), "production")) {
            assertEquals(new Exit(2, message), client.exit(), "EXIT in place of READY");
        }
        assertEquals(List.of(), fleet.pushedFor);
    }

    @Test
    void fleetPullAndFleetRequestsToAServerInNoFleetAreExit2() throws Exception {
        start();
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("cp", Map.of("fleet", "true"), "production", "/tmp/backup.sqlite3")) {
            assertEquals(new Exit(2, "ERROR: fleet applies to pushes and rollbacks, not to a pull (the source is the"
                    + " managed database production)"), client.exit());
        }
        hotswap.close();
        hotswap = fixture.builder(live).build().start();
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("rollback", Map.of("fleet", "true"), "production")) {
            assertEquals(new Exit(2, "ERROR: this server is in no fleet (its engine has no rollouts configured); run"
                    + " the command without --fleet, or on a server of the fleet"), client.exit());
        }
    }

    @Test
    void rolloutsJoinOnceTheEngineRunsBeforeTheSocketAndLeaveBeforeItCloses() throws Exception {
        start();
        assertSame(hotswap, fleet.engine);
        assertEquals(List.of("start: engine started, socket not bound yet"), fleet.events);

        hotswap.close();

        assertEquals(List.of("start: engine started, socket not bound yet", "close: socket still bound"), fleet.events);
    }

    @Test
    void engineThatCannotJoinItsFleetDoesNotStartAndLeavesNothingTaken() throws Exception {
        fleet.joinFailure = new IOException("ERROR: the store refused the signature");

        IOException e = assertThrows(IOException.class, () -> fixture.builder(live).rollouts(fleet).build().start());

        assertSame(fleet.joinFailure, e);
        assertEquals(List.of("start: engine started, socket not bound yet", "close: socket not bound"), fleet.events);
        assertFalse(Files.exists(fixture.socket()), "no socket");
        hotswap = fixture.builder(live).build().start(); // the folder's lock was released
    }

    @Test
    void stagedGenerationTakesTheRolloutIdItIsAssignedOnce() throws Exception {
        hotswap = fixture.builder(live).socketEnabled(false).build().start();
        try (InputStream in = Files.newInputStream(incoming);
                StagedGeneration staged = hotswap.stage("production", in, PushOptions.defaults(), null)) {
            assertThrows(IllegalArgumentException.class, () -> staged.assignRollout("no spaces"));
            staged.assignRollout("000007");
            staged.assignRollout("000007");
            IllegalStateException other = assertThrows(IllegalStateException.class,
                    () -> staged.assignRollout("000008"));
            assertTrue(other.getMessage().endsWith(" belongs to rollout 000007, not 000008"), other.getMessage());
            hotswap.activate(staged);
            assertThrows(IllegalStateException.class, () -> staged.assignRollout("000007"));
        }
        assertEquals("000007", hotswap.status().get(0).current().rolloutId());
        hotswap.rollback("production", OptionalLong.empty());
        assertEquals("000007", hotswap.status().get(0).kept().get(0).rolloutId());
    }

    private static Map<String, String> parse(String options) {
        Map<String, String> map = new java.util.TreeMap<>();
        for (String option : options.split(";")) {
            String[] pair = option.split("=", 2);
            map.put(pair[0], pair[1]);
        }
        return map;
    }

    /**
     * A fleet of this one server: on "commit" it activates what it was handed, on "abort" it
     * discards it and names another node as the refusing one. It records what the engine asked.
     */
    private final class OneServer implements Rollouts {
        final List<String> events = new ArrayList<>();
        final List<Nodes> pushedFor = new ArrayList<>();
        final List<Nodes> rolledBackFor = new ArrayList<>();
        volatile boolean commit = true;
        IOException joinFailure;
        Hotswap engine;

        @Override
        public void start(Hotswap engine) throws IOException {
            this.engine = engine;
            engine.status(); // the engine is started: the fleet can flip while it catches up
            events.add("start: engine started, socket " + (Files.exists(fixture.socket()) ? "bound" : "not bound yet"));
            if (joinFailure != null) {
                throw joinFailure;
            }
        }

        @Override
        public Result push(StagedGeneration staged, Nodes nodes, Consumer<String> report) throws IOException {
            pushedFor.add(nodes);
            staged.assignRollout("r-1");
            report.accept("here: staged generation " + staged.id() + " for rollout " + staged.rolloutId());
            if (!commit) {
                report.accept("there: ERROR: schema mismatch\n- a\n+ b");
                staged.close();
                return new Result(false, "ERROR: rollout r-1 of production aborted: node there refused; nothing flipped");
            }
            try {
                engine.activate(staged);
            } catch (SwapRefusedException e) {
                staged.close();
                return new Result(false, e.getMessage());
            }
            report.accept("here: flipped");
            return new Result(true, "rollout r-1 of production committed: 1 of 1 nodes flipped");
        }

        @Override
        public Result rollback(String database, Optional<String> toRollout, Nodes nodes, Consumer<String> report) {
            rolledBackFor.add(nodes);
            report.accept("rollback of " + database + " to " + toRollout.orElse("the previous rollout") + " for at least "
                    + nodes.atLeast() + " nodes");
            return new Result(true, "rollout r-2 of production committed: 3 of 3 nodes flipped");
        }

        @Override
        public void close() {
            events.add("close: socket " + (Files.exists(fixture.socket()) ? "still bound" : "not bound"));
        }
    }
}
