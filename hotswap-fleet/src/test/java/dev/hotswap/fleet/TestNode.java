package dev.hotswap.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import dev.hotswap.engine.DatabaseStatus;
import dev.hotswap.engine.GenerationStatus;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.Rollouts;
import dev.hotswap.engine.StagedGeneration;
import dev.hotswap.engine.SwapOutcome;

/**
 * One server of a test fleet: a real hotswap engine (in-process, no admin socket) managing its own
 * SQLite database {@code production}, joined to the fleet through {@link HotswapFleet} as an app
 * would join it. It counts the engine's swaps, and pushes and rolls back {@code --fleet} the way the
 * engine's admin socket does.
 */
final class TestNode implements AutoCloseable {
    final String name;
    final Path live;
    final Hotswap engine;
    final HotswapFleet fleet;
    private final AtomicInteger swaps;

    private TestNode(String name, Path live, Hotswap engine, HotswapFleet fleet, AtomicInteger swaps) {
        this.name = name;
        this.live = live;
        this.engine = engine;
        this.fleet = fleet;
        this.swaps = swaps;
    }

    /**
     * Starts an engine on {@code live} that keeps {@code keep} earlier generations, joined to the fleet
     * of {@code config}: it catches up before this returns.
     */
    static TestNode start(String name, Path live, FleetConfig config, int keep) throws IOException {
        return start(name, live, config, keep, UnaryOperator.identity());
    }

    /** {@link #start(String, Path, FleetConfig, int)} with {@code engine} applied to the engine's builder. */
    static TestNode start(String name, Path live, FleetConfig config, int keep, UnaryOperator<HotswapBuilder> engine)
            throws IOException {
        AtomicInteger swaps = new AtomicInteger();
        HotswapFleet fleet = HotswapFleet.of(config);
        Hotswap started = engine.apply(Hotswap.builder().database(TestFleet.DATABASE, live).socketEnabled(false).keep(keep))
                .rollouts(fleet)
                .listener(outcome -> {
                    if (outcome.result() == SwapOutcome.Result.SWAPPED) {
                        swaps.incrementAndGet();
                    }
                })
                .build().start();
        return new TestNode(name, live, started, fleet, swaps);
    }

    /** What a request on this node reads now: the first item names, through the engine. */
    List<String> served() throws IOException {
        try (Connection connection = engine.dataSource(TestFleet.DATABASE).getConnection()) {
            return TestDatabases.names(connection);
        } catch (SQLException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    /** Swaps (flips by push, rollback or catch-up) since this engine started. */
    int swaps() {
        return swaps.get();
    }

    DatabaseStatus status() {
        return engine.status().get(0);
    }

    /** The rollout the current generation came with, if any. */
    Optional<String> currentRollout() {
        return Optional.ofNullable(status().current().rolloutId());
    }

    /**
     * Generation files in the folder that are neither current, kept nor retiring, and temp files
     * beside them (not the engine's kept page hashes): what a staged, undecided rollout leaves, and
     * what an abort must clear away.
     */
    List<String> strayFiles() throws IOException {
        DatabaseStatus status = status();
        Set<Long> known = new HashSet<>();
        known.add(status.current().id());
        Stream.concat(status.kept().stream(), status.retiring().stream()).map(GenerationStatus::id).forEach(known::add);
        Path folder = live.resolveSibling(".hotswap").resolve(live.getFileName());
        List<String> stray = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                // The page hashes the engine keeps of a generation (PageHashCache, its background
                // pass) are its cache, kept across rollouts, not something one left behind.
                if (fileName.startsWith(".") && !fileName.startsWith(".pagehashes-")
                        || fileName.matches("\\d{6,}\\.sqlite3") && !known.contains(Long.parseLong(fileName.substring(0, 6)))) {
                    stray.add(fileName);
                }
            }
        }
        return stray;
    }

    /**
     * {@code hotswap cp FILE production --fleet} as this node's admin socket runs it: the engine
     * checks and stages the file, then the fleet rolls it out from here.
     */
    Rollouts.Result push(Path file, Rollouts.Nodes nodes, Consumer<String> report) throws Exception {
        StagedGeneration staged;
        try (InputStream in = Files.newInputStream(file)) {
            staged = engine.stage(TestFleet.DATABASE, in, PushOptions.defaults(), null);
        }
        return fleet.push(staged, nodes, report);
    }

    /** {@code hotswap cp FILE production --fleet --dry-run} as this node's admin socket runs it. */
    Rollouts.Result check(Path file, Rollouts.Nodes nodes, Consumer<String> report) throws Exception {
        StagedGeneration staged;
        try (InputStream in = Files.newInputStream(file)) {
            staged = engine.stage(TestFleet.DATABASE, in, PushOptions.defaults(), null);
        }
        return fleet.check(staged, nodes, report);
    }

    /** {@code hotswap rollback production --fleet [--to ROLLOUT]} as this node's admin socket runs it. */
    Rollouts.Result rollback(Optional<String> to, Rollouts.Nodes nodes, Consumer<String> report) {
        return fleet.rollback(TestFleet.DATABASE, to, nodes, report);
    }

    /** Stops cleanly: the node leaves the fleet (deregisters), then the engine closes. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "node " + name;
    }
}
