package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The engine's managed databases, in the order configured (a database's index is its place in every
 * {@link View}) and by name: what makes each one's live path lead to a file at start, and the opening
 * and closing of them all.
 */
final class ManagedDatabases {
    private final Settings settings;
    private final List<ManagedDatabase> list;
    private final Map<String, ManagedDatabase> byName = new HashMap<>();

    ManagedDatabases(Settings settings, SwapGate gate) {
        this.settings = settings;
        List<ManagedDatabase> databases = new ArrayList<>();
        settings.databases().forEach((name, path) -> {
            ManagedDatabase db = new ManagedDatabase(name, databases.size(), path, settings, gate);
            databases.add(db);
            byName.put(name, db);
        });
        this.list = List.copyOf(databases);
    }

    /** Every managed database, in index order. */
    List<ManagedDatabase> list() {
        return list;
    }

    /**
     * The database managed as {@code database}.
     *
     * @throws IllegalArgumentException if none is
     */
    ManagedDatabase named(String database) {
        ManagedDatabase db = byName.get(Objects.requireNonNull(database, "database"));
        if (db == null) {
            throw new IllegalArgumentException("unknown database " + database + " (managed: " + describe() + ")");
        }
        return db;
    }

    /** The managed databases for messages: {@code production /abs/a, staging /abs/b}. */
    String describe() {
        List<String> parts = new ArrayList<>();
        list.forEach(db -> parts.add(db.toString()));
        return String.join(", ", parts);
    }

    /**
     * Fetches the fleet's copy of each database whose path leads to nothing ({@link Rollouts#copyOf}),
     * or creates it empty if allowed, refuses two names for one file, then takes each generation folder
     * and opens the current generations. On failure, {@link #close()} releases what was taken.
     *
     * @param retire where retiring generations go (the engine's retirement thread)
     * @return the current generation of each database, held once, in index order
     */
    List<Generation> open(DiskBudget diskBudget, Consumer<Generation> retire) throws IOException {
        // The fleet's copy first: a new server serves what the fleet serves, not an empty database.
        Map<String, String> fetched = new HashMap<>();
        for (ManagedDatabase db : list) {
            Optional<String> rollout = settings.rollouts() == null ? Optional.empty()
                    : FetchedDatabase.fetchIfMissing(db.name(), db.path(), settings.rollouts(), diskBudget, settings.disk());
            if (rollout.isPresent()) {
                fetched.put(db.name(), rollout.get());
            } else if (settings.createIfMissing().contains(db.name())) {
                EmptyDatabase.createIfMissing(db.name(), db.path());
            }
        }
        List<GenerationFolder.Location> locations = new ArrayList<>();
        Map<Path, String> files = new HashMap<>();
        for (ManagedDatabase db : list) {
            GenerationFolder.Location location = GenerationFolder.locate(db.name(), db.path());
            String other = files.putIfAbsent(location.file(), db.name());
            if (other != null) {
                throw new IOException("databases " + other + " and " + db.name() + " are one file, " + location.file()
                        + "; manage it once");
            }
            locations.add(location);
        }
        List<Generation> current = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ManagedDatabase db = list.get(i);
            current.add(db.open(locations.get(i), retire, fetched.get(db.name())));
        }
        return current;
    }

    /** Closes every database's generations and releases its folder. */
    void close() {
        list.forEach(ManagedDatabase::close);
    }
}
