package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import javax.sql.DataSource;

/**
 * One database under the engine's care: its name and live path, the data source the application
 * reads it through, the claim that lets one push or rollback run at a time, and its
 * {@link Generations generations}, which {@link #open} recovers from its folder at start. The rest of
 * the engine reaches a database's generations through here.
 *
 * <p><b>Locking.</b> This class has no lock of its own. The claim is an atomic flag, so that a
 * refused second push never waits for anything. Which generation is current, kept or retiring, and
 * every write of the history, are guarded by the lock of {@link Generations} (see there). The
 * generations are made by {@link #open}, before the engine hands this database to any other thread,
 * and published through a volatile field, so that a {@link #close} after a start that crashed half
 * way still releases the folder's lock.
 */
final class ManagedDatabase {
    private final String name;
    private final int index;
    private final Path live;
    private final Settings settings;
    private final DataSource dataSource;
    private final PageHashCache hashCache;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Null until {@link #open} has taken the folder's lock. */
    private volatile Generations generations;
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

    /** The generation folder, locked by this engine; null before {@link #open}. */
    GenerationFolder folder() {
        Generations opened = generations;
        return opened == null ? null : opened.folder();
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
    Generation open(GenerationFolder.Location found, Consumer<Generation> onRetire, String fetchedRollout)
            throws IOException {
        GenerationFolder folder = GenerationFolder.open(name, live, found, settings.disk());
        Generations opening = new Generations(name, index, settings, folder);
        generations = opening; // from here close() releases the folder's lock, also after a crash below
        try {
            return opening.start(found, fetchedRollout, onRetire);
        } catch (IOException | RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    /** Opens generation {@code id} of this database, its file at {@code file}, with one hold for the caller. */
    Generation openGeneration(long id, Path file, Consumer<Generation> onRetire) throws IOException {
        return generations.openGeneration(id, file, onRetire);
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

    Generation current() {
        Generations opened = generations;
        return opened == null ? null : opened.current();
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
    Path currentFile() {
        return generations.current().file();
    }

    /**
     * The id the next new generation gets: above every id on disk or known, and above every id the
     * history ever named, so that an id is never given twice, even after its generation was deleted.
     */
    long nextId() throws IOException {
        return generations.nextId();
    }

    GenerationRecord record(long id) {
        return generations.record(id);
    }

    /**
     * Records the current generation, an operator's linked file, in the history, ahead of the first
     * swap that points the live path elsewhere, so that it stays known for rollback.
     */
    void recordAdoption() throws IOException {
        generations.recordAdoption();
    }

    /**
     * Records that the live path leads to {@code record}'s generation now, ahead of its flip: its line
     * in the history. A failure is logged, not thrown: the link is already the truth of what is
     * current, and the history, stale now, is written whole by the next write (the next swap, a prune).
     *
     * @return whether the line is on disk
     */
    boolean recordLinked(GenerationRecord record) {
        return generations.recordLinked(record);
    }

    /**
     * Records a flip to {@code next}, whose record says since when it is current.
     *
     * @return the generation that was current before
     */
    Generation flipped(Generation next, GenerationRecord record, long pauseMicros) {
        return generations.flipped(next, record, pauseMicros);
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
    RollbackTarget rollbackTarget(OptionalLong id, Consumer<Generation> onRetire)
            throws SwapRefusedException, IOException {
        return generations.rollbackTarget(id, onRetire);
    }

    /** The rollback to generation {@code id} flipped or failed: the keep policy applies to it again. */
    void endActivation(long id) {
        generations.endActivation(id);
    }

    /** A generation whose last hold went: close its pool (outside any lock: a checkpoint), apply the keep policy. */
    void retired(Generation generation) {
        settings.disk().reached(Steps.RETIRING);
        generation.pool().close();
        generations.closed(generation);
    }

    /** Deletes the generations beyond the keep count that nothing holds open, and forgets them. */
    void prune() {
        generations.prune();
    }

    void recordReport(SwapReport report) {
        lastReport = report;
    }

    /** This database's status; {@code requests} counts the requests pinned to a generation. */
    DatabaseStatus status(ToLongFunction<Generation> requests) {
        return generations.status(requests, lastReport);
    }

    /** Closes every open generation's pool and releases the folder's lock. */
    void close() {
        Generations opened = generations;
        if (opened != null) {
            opened.closeAll();
            hashCache.drop(opened.folder());
            opened.folder().close();
        }
    }

    /** The managed name and path, as listed in messages: {@code production /abs/db/production.sqlite3}. */
    @Override
    public String toString() {
        return name + " " + live;
    }

    /** Generations open now, for the pin watch. */
    List<Generation> openGenerations() {
        Generations opened = generations;
        return opened == null ? List.of() : opened.openGenerations();
    }

    /** Records of generations on disk, for tests. */
    Map<Long, GenerationRecord> records() {
        return generations.records();
    }
}
