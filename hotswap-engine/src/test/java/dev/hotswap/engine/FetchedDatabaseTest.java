package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Rollouts#copyOf}: the engine writes the fleet's copy of a missing database beside the live
 * path, checks it, and links it into place whole, or leaves nothing there. The fleet itself
 * ({@code hotswap-fleet}, {@code FleetJoinTest}) is stood in for by {@link OneCopy}, a fleet whose
 * one committed rollout is a local file.
 */
@Timeout(20)
class FetchedDatabaseTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fixture.close();
    }

    /** A fleet that serves {@code bytes} as rollout {@code 000007} of every database, and counts the asks. */
    private static final class OneCopy implements Rollouts {
        private final byte[] bytes;
        final AtomicInteger asked = new AtomicInteger();

        OneCopy(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public Optional<Copy> copyOf(String database) {
            asked.incrementAndGet();
            return Optional.of(new Copy("000007", bytes.length, new ByteArrayInputStream(bytes)));
        }

        @Override
        public void start(Hotswap engine) {
        }

        @Override
        public Result push(StagedGeneration staged, Nodes nodes, Consumer<String> report) {
            throw new UnsupportedOperationException("no pushes in this test");
        }

        @Override
        public Result rollback(String database, Optional<String> toRollout, Nodes nodes, Consumer<String> report) {
            throw new UnsupportedOperationException("no rollbacks in this test");
        }

        @Override
        public void close() {
        }
    }

    private final AtomicInteger rollouts = new AtomicInteger();

    /** A fleet whose committed copy is a database of meta version {@code version}. */
    private OneCopy rollout(int version) throws Exception {
        String name = "rollout-" + rollouts.incrementAndGet() + ".sqlite3";
        return new OneCopy(EngineFixture.bytes(fixture.versioned(name, true, version, 1)));
    }

    @Test
    void aMissingDatabaseIsTheFleetsCopyAsGeneration1WithItsRolloutId() throws Exception {
        Path live = fixture.dir.resolve("db/production.sqlite3");
        try (Hotswap hotswap = fixture.builder(live).rollouts(rollout(3)).build().start()) {
            GenerationStatus current = hotswap.status().get(0).current();
            assertEquals(1, current.id());
            assertEquals("000007", current.rolloutId());
            assertTrue(Files.isSymbolicLink(live), "adopted like any regular file: the live path is a link");
            assertEquals(List.of("3"), EngineFixture.rows(live, "SELECT version FROM meta"));
            assertEquals(List.of(), EngineFixture.temps(live.getParent()), "no temp file left");
        }
        try (Hotswap restarted = fixture.builder(live).build().start()) {
            assertEquals("000007", restarted.status().get(0).current().rolloutId(), "the history keeps the rollout");
        }
    }

    @Test
    void anExistingDatabaseIsNeverReplacedByTheFleetsCopy() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 1);
        OneCopy fleet = rollout(2);
        try (Hotswap hotswap = fixture.builder(live).rollouts(fleet).build().start()) {
            assertEquals(0, fleet.asked.get(), "the fleet is not even asked");
            assertEquals(List.of("1"), EngineFixture.rows(live, "SELECT version FROM meta"));
            assertEquals(null, hotswap.status().get(0).current().rolloutId());
        }
    }

    @Test
    void aCopyThatIsNoDatabaseFailsTheStartAndLeavesNothing() throws Exception {
        Path live = fixture.dir.resolve("db/production.sqlite3");
        Hotswap hotswap = fixture.builder(live).rollouts(new OneCopy(new byte[4096])).build();

        IOException e = assertThrows(IOException.class, hotswap::start);

        assertEquals("database production: the fleet's copy of database production (rollout 000007) fails its"
                + " checks: not a SQLite database (no \"SQLite format 3\" header)", e.getMessage());
        assertFalse(Files.exists(live, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(), EngineFixture.temps(live.getParent()));
    }

    @Test
    void aCrashBeforeTheLinkLeavesNothingAtTheLivePathAndTheNextStartFetchesAgain() throws Exception {
        Path live = fixture.dir.resolve("production.sqlite3");
        FaultyDisk disk = new FaultyDisk().rule(call -> call.op() == FaultyDisk.Op.LINK && call.path().equals(live)
                ? new FaultyDisk.CrashHere() : null);
        Hotswap crashing = fixture.builder(live).rollouts(rollout(2)).disk(disk).build();

        assertThrows(FaultyDisk.Crash.class, crashing::start);

        assertFalse(Files.exists(live, LinkOption.NOFOLLOW_LINKS), "no file, whole or half, at the live path");
        // What kill -9 would have left: the synced temp file (the crash above still ran the cleanup).
        Path leftover = Files.write(fixture.dir.resolve(".production.sqlite3.hotswap-42.tmp"), new byte[] {'S', 'Q'});
        try (Hotswap hotswap = fixture.builder(live).rollouts(rollout(2)).build().start()) {
            assertEquals("000007", hotswap.status().get(0).current().rolloutId());
            assertEquals(List.of("2"), EngineFixture.rows(live, "SELECT version FROM meta"));
            assertFalse(Files.exists(leftover, LinkOption.NOFOLLOW_LINKS));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        }
    }

    @Test
    void aLinkThatFailsLeavesNothingAtTheLivePath() throws Exception {
        Path live = fixture.dir.resolve("production.sqlite3");
        FaultyDisk disk = new FaultyDisk().rule(call -> call.op() == FaultyDisk.Op.LINK && call.path().equals(live)
                ? new FaultyDisk.Fail(FaultyDisk.eio(call)) : null);
        Hotswap hotswap = fixture.builder(live).rollouts(rollout(2)).disk(disk).build();

        IOException e = assertThrows(IOException.class, hotswap::start);

        assertTrue(e.getMessage().startsWith("database production: cannot link the fleet's copy of database production"
                + " (rollout 000007) into place at " + live), e.getMessage());
        assertFalse(Files.exists(live, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }
}
