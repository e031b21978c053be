package dev.hotswap.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.hotswap.engine.Hotswap;

/**
 * One server of a {@link FleetModel}: a real hotswap engine on its own SQLite database, and the
 * {@link Follower} that takes it through the fleet's protocol, while it is up. Its poll rounds run on
 * the model's thread; a crash point in its store requests kills it as kill -9 would: the follower is
 * dropped as it is (nothing discarded, nothing written), the engine stops, and what is on disk is what
 * the next start finds.
 */
final class ModelNode {
    final String name;
    final Path live;
    private Hotswap engine;
    private Follower follower;
    /** The newest commit (by sequence) when an operator last changed this node by hand, or -1. */
    long divergedAt = -1;

    ModelNode(String name, Path live) {
        this.name = name;
        this.live = live;
    }

    /** Starts the engine on the disk, keeping {@code keep} earlier generations, following the fleet through {@code store}. */
    void start(int keep, ObjectStore store) throws IOException {
        engine = Hotswap.builder().database(FleetModel.DATABASE, live).socketEnabled(false).keep(keep).build().start();
        follower = new Follower(new EngineDatabase(engine, FleetModel.DATABASE), store);
        divergedAt = -1;
    }

    /** The process dies. */
    void kill() {
        Hotswap stopping = engine;
        engine = null;
        follower = null;
        stopping.close();
    }

    /** One poll round; returns null, or why the node died in it (it is down then). A store failure waits for the next round. */
    String poll() {
        try {
            follower.poll();
        } catch (IOException e) {
            // the store failed (a fault): the next round tries again
        } catch (FaultyS3.Crash e) {
            kill();
            return e.getMessage();
        }
        return null;
    }

    boolean up() {
        return engine != null;
    }

    Hotswap engine() {
        return engine;
    }

    /** The rollout of the current generation, or null for a local one. */
    String currentRollout() {
        return engine.status().get(0).current().rolloutId();
    }

    /** The {@code CREATE TABLE} of the items table the node serves now. */
    String schema() throws SQLException {
        try (Connection connection = engine.dataSource(FleetModel.DATABASE).getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'items'")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    /** Whether it is up and holds a rollout it answered, undecided yet. */
    boolean awaitsDecision() {
        return up() && follower.awaitsDecision();
    }
}
