package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import javax.sql.DataSource;

/**
 * One database under the engine's care: its live path, its generation folder, the records of its
 * generations on disk, the ones open now, and the claim that lets one push or rollback run at a time.
 *
 * <p>State changes happen under this object's lock, the {@link GenerationRecords} included; file
 * work (deleting a generation, rewriting the history) happens there too, since it is rare and short.
 * Opening connections and the swap's own steps happen outside it.
 */
final class ManagedDatabase {
    private static final System.Logger LOG = System.getLogger(ManagedDatabase.class.getName());

    private final String name;
    private final int index;
    private final Path live;
    private final Settings settings;
    private final DataSource dataSource;
    private final PageHashCache hashCache;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Generations on disk, in the order they were last current, the current one last; set by open. */
    private GenerationRecords records;
    /** Generations open now: the current one, and superseded ones not yet retired. */
    private final Map<Long, Generation> open = new HashMap<>();
    private final Map<Long, Long> pauses = new HashMap<>();
    /** Generations a rollback is making current: no prune deletes them meanwhile, even beyond keep. */
    private final Set<Long> activating = new HashSet<>();
    private GenerationFolder folder;
    private Generation current;
    private volatile SwapReport lastReport;

    ManagedDatabase(String name, int index, Path live, Settings settings, SwapGate gate) {
        this.name = name;
        this.index = index;
        this.live = live;
        this.settings = settings;
        this.dataSource = new DatabaseDataSource(this, gate);
        this.hashCache = new PageHashCache(name);
    }

    String name() {
        return name;
    }

    /** This database's index in the engine's views. */
    int index() {
        return index;
    }

    /** The configured live path, absolute and normalized; a link to the current generation once swapped. */
    Path path() {
        return live;
    }

    /**
     * Whether the absolute, normalized {@code path} names this database: its live path through its
     * directory's real path, or the current generation's file.
     */
    boolean isNamedBy(Path path) {
        if (path.equals(currentFile())) {
            return true;
        }
        try {
            return path.equals(live.getParent().toRealPath().resolve(live.getFileName()));
        } catch (IOException e) {
            return false;
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    Settings settings() {
        return settings;
    }

    synchronized GenerationFolder folder() {
        return folder;
    }

    /** The page hashes kept from one delta push's base copy to the next. */
    PageHashCache hashCache() {
        return hashCache;
    }

    /**
     * Takes the folder's lock, cleans what a crash left, reads the history, and opens the current
     * generation (held once, for the engine's first view).
     *
     * @param onRetire where retiring generations go (the engine's retirement thread)
     * @param fetchedRollout the fleet rollout whose copy the engine just put at the live path (it is
     *     adopted with that id), or null
     */
    synchronized Generation open(GenerationFolder.Location found, Consumer<Generation> onRetire,
            String fetchedRollout) throws IOException {
        folder = GenerationFolder.open(name, live, found, settings.disk());
        records = new GenerationRecords(name, folder);
        try {
            GenerationRecord currentRecord = FolderRecovery.recover(name, records, found, settings, fetchedRollout);
            current = openGeneration(currentRecord.id(), currentRecord.file(), onRetire);
            current.becameCurrent();
            open.put(current.id(), current);
            pruneLocked();
            LOG.log(System.Logger.Level.INFO, "{0}: {1} is generation {2}{3}, folder {4}", name, live,
                    current.id(), records.adoptionPending() ? " (served where it lies, " + current.file() + ")" : "", folder);
            return current;
        } catch (IOException | RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    /** Opens generation {@code id} of this database, its file at {@code file}, with one hold for the caller. */
    Generation openGeneration(long id, Path file, Consumer<Generation> onRetire) throws IOException {
        return new Generation(name, index, id, file, GenerationPool.open(name, id, file, settings), onRetire);
    }

    /** Claims the database for one push or rollback; false if another one holds it. */
    boolean tryClaim() {
        return busy.compareAndSet(false, true);
    }

    /** Whether a push or rollback holds the claim now (a hint: the claim itself decides). */
    boolean isClaimed() {
        return busy.get();
    }

    void endClaim() {
        busy.set(false);
    }

    synchronized Generation current() {
        return current;
    }

    /**
     * The current generation, held once for the caller (a snapshot), who releases it. Loops over the
     * moment a flip retires the generation it read.
     */
    Generation holdCurrent() {
        for (;;) {
            Generation generation = current();
            if (generation.tryHold()) {
                return generation;
            }
            Thread.onSpinWait();
        }
    }

    /** The file the current generation is opened under: what checks compare a new file with. */
    synchronized Path currentFile() {
        return current.file();
    }

    /**
     * The id the next new generation gets: above every id on disk or known, and above every id the
     * history ever named, so that an id is never given twice, even after its generation was deleted.
     */
    synchronized long nextId() throws IOException {
        return nextIdLocked();
    }

    private long nextIdLocked() throws IOException {
        return current == null ? records.nextId() : Math.max(records.nextId(), current.id() + 1);
    }

    synchronized GenerationRecord record(long id) {
        return records.get(id);
    }

    /**
     * Records the current generation, an operator's linked file, in the history, ahead of the first
     * swap that points the live path elsewhere, so that it stays known for rollback.
     */
    synchronized void recordAdoption() throws IOException {
        records.recordAdoption();
    }

    /**
     * Records that the live path leads to {@code record}'s generation now, ahead of its flip: its line
     * in the history. A failure is logged, not thrown: the link is already the truth of what is
     * current, and the history, stale now, is written whole by the next write (the next swap, a prune).
     *
     * @return whether the line is on disk
     */
    synchronized boolean recordLinked(GenerationRecord record) {
        return records.recordLinked(record);
    }

    /**
     * Records a flip to {@code next}, whose record says since when it is current.
     *
     * @return the generation that was current before
     */
    synchronized Generation flipped(Generation next, GenerationRecord record, long pauseMicros) {
        Generation previous = current;
        previous.superseded();
        next.becameCurrent();
        current = next;
        open.put(next.id(), next);
        records.becameCurrent(record);
        pauses.put(record.id(), pauseMicros);
        return previous;
    }

    /**
     * Where a rollback goes.
     *
     * @param generation held once for the rollback, which gives the hold to the new view or back
     * @param record its record on disk
     */
    record RollbackTarget(Generation generation, GenerationRecord record) {
    }

    /**
     * The generation a rollback goes to: {@code id}, or the one current most recently before the
     * current one; the open one, or a fresh generation opened under its file (also when the open one
     * retired and its retirement has not closed it yet). Until {@link #endActivation}, no prune
     * deletes its file, whatever the keep policy says: a retirement that races the rollback must not
     * delete the file the live path is about to lead to.
     *
     * @throws SwapRefusedException if there is none, it is current, or its file is damaged
     */
    synchronized RollbackTarget rollbackTarget(OptionalLong id, Consumer<Generation> onRetire)
            throws SwapRefusedException, IOException {
        List<GenerationRecord> earlier = records.earlier(current.id());
        GenerationRecord target;
        if (id.isPresent()) {
            if (id.getAsLong() == current.id()) {
                throw new SwapRefusedException(SwapRefusedException.Reason.NO_SUCH_GENERATION,
                        "ERROR: generation " + current.id() + " of " + name + " is current already");
            }
            target = records.get(id.getAsLong());
            if (target == null) {
                throw new SwapRefusedException(SwapRefusedException.Reason.NO_SUCH_GENERATION, "ERROR: " + name + " has no generation " + id.getAsLong()
                        + " (kept: " + ids(earlier) + ")");
            }
        } else if (earlier.isEmpty()) {
            throw new SwapRefusedException(SwapRefusedException.Reason.NO_SUCH_GENERATION,
                    "ERROR: " + name + " has no earlier generation to roll back to");
        } else {
            target = earlier.get(0);
        }
        Generation open = this.open.get(target.id());
        if (open != null && open.tryHold()) {
            activating.add(target.id());
            return new RollbackTarget(open, target);
        }
        try {
            DatabaseHeader.check(target.file());
        } catch (SwapRefusedException e) {
            throw new SwapRefusedException(SwapRefusedException.Reason.UNREADABLE, "ERROR: generation " + target.id() + " of " + name + " ("
                    + target.file() + ") is damaged: " + e.getMessage().substring("ERROR: ".length()));
        }
        Generation fresh = openGeneration(target.id(), target.file(), onRetire);
        activating.add(target.id());
        return new RollbackTarget(fresh, target);
    }

    /** The rollback to generation {@code id} flipped or failed: the keep policy applies to it again. */
    synchronized void endActivation(long id) {
        activating.remove(id);
    }

    /** A generation whose last hold went: close its pool, apply the keep policy. */
    void retired(Generation generation) {
        settings.disk().reached(Steps.RETIRING);
        generation.pool().close();
        synchronized (this) {
            if (open.get(generation.id()) == generation) {
                open.remove(generation.id());
            }
            LOG.log(System.Logger.Level.INFO, "{0}: generation {1} closed", name, generation.id());
            pruneLocked();
        }
    }

    /** Deletes the generations beyond the keep count that nothing holds open, and forgets them. */
    synchronized void prune() {
        pruneLocked();
    }

    private void pruneLocked() {
        List<GenerationRecord> earlier = records.earlier(current.id());
        boolean changed = false;
        for (int i = settings.keep(); i < earlier.size(); i++) {
            GenerationRecord record = earlier.get(i);
            if (open.containsKey(record.id()) || activating.contains(record.id())) {
                continue; // deleted when it retires, or a rollback is making it current
            }
            folder.delete(record.file());
            records.forget(record.id());
            pauses.remove(record.id());
            changed = true;
            LOG.log(System.Logger.Level.INFO, "{0}: deleted generation {1} (keep {2})", name, record.id(), settings.keep());
        }
        records.rewriteIf(changed);
    }

    private static String ids(List<GenerationRecord> records) {
        if (records.isEmpty()) {
            return "none";
        }
        List<String> ids = new ArrayList<>();
        records.forEach(record -> ids.add(Long.toString(record.id())));
        return String.join(", ", ids);
    }

    void recordReport(SwapReport report) {
        lastReport = report;
    }

    /** This database's status; {@code requests} counts the requests pinned to a generation. */
    synchronized DatabaseStatus status(ToLongFunction<Generation> requests) {
        List<GenerationRecord> earlier = records.earlier(current.id());
        List<GenerationStatus> kept = new ArrayList<>();
        List<GenerationStatus> retiring = new ArrayList<>();
        for (int i = 0; i < earlier.size(); i++) {
            GenerationStatus status = status(earlier.get(i), requests);
            (i < settings.keep() ? kept : retiring).add(status);
        }
        return new DatabaseStatus(name, live, status(records.get(current.id()), requests), kept, retiring, lastReport);
    }

    private GenerationStatus status(GenerationRecord record, ToLongFunction<Generation> requests) {
        Generation generation = open.get(record.id());
        long bytes;
        try {
            bytes = Files.size(record.file());
        } catch (IOException e) {
            bytes = -1;
        }
        return new GenerationStatus(record.id(), record.file(), record.since(), bytes,
                pauses.getOrDefault(record.id(), -1L),
                generation == null ? 0 : requests.applyAsLong(generation),
                generation == null ? 0 : generation.connectionsOut(), record.rolloutId());
    }

    /** Closes every open generation's pool and releases the folder's lock. */
    synchronized void close() {
        open.values().forEach(generation -> generation.pool().close());
        if (folder != null) {
            hashCache.drop(folder);
            folder.close();
        }
    }

    /** The managed name and path, as listed in messages: {@code production /abs/db/production.sqlite3}. */
    @Override
    public String toString() {
        return name + " " + live;
    }

    /** Generations open now, for the pin watch. */
    synchronized List<Generation> openGenerations() {
        return new ArrayList<>(open.values());
    }

    /** Records of generations on disk, for tests. */
    synchronized Map<Long, GenerationRecord> records() {
        return records.copy();
    }
}
