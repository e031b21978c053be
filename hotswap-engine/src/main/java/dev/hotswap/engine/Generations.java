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
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The generations of one managed database and their lifecycle: which one is current, which earlier
 * ones are kept for rollback and which retire, which are open, and when the keep policy deletes one.
 * Their records, and the history file that keeps them, are {@link GenerationRecords}.
 *
 * <p><b>Locking.</b> This object's lock guards everything here, the {@link GenerationRecords}
 * included, and every write of the history file: the recovery at start, a swap's append and a
 * prune's rewrite are serialized by it, so that a rewrite never replaces a line appended meanwhile.
 * File work on the folder (the recovery, deleting a generation, writing the history) happens under
 * it too, since it is rare and short, and so does opening the pool of a rollback target (the
 * application's {@link PoolFactory}, if any, is called there). Outside it: closing a retired
 * generation's pool (SQLite checkpoints then: slow; {@link ManagedDatabase#retired}), and the swap's
 * own steps (receiving, checking, warming, pointing the live link). The claim that lets one push or
 * rollback run at a time is not here: it is {@link ManagedDatabase}'s atomic flag, so that a refused
 * second push never waits for this lock. Callers may hold locks of their own around a call (the
 * engine's at start, a {@link RollbackClaim}'s), but holding this one, nothing here waits for another
 * lock of the engine's except a pool's own, which is a leaf ({@link Generation}'s holds are atomic):
 * this lock closes no cycle.
 */
final class Generations {
    private static final System.Logger LOG = System.getLogger(Generations.class.getName());

    private final String name;
    private final int index;
    private final Settings settings;
    private final GenerationRecords records;
    /** Generations open now: the current one, and superseded ones not yet retired. */
    private final Map<Long, Generation> open = new HashMap<>();
    private final Map<Long, Long> pauses = new HashMap<>();
    /** Generations a rollback is making current: no prune deletes them meanwhile, even beyond keep. */
    private final Set<Long> activating = new HashSet<>();
    private Generation current;

    /**
     * The generations of database {@code name} ({@code index} in the engine's views), whose folder,
     * locked by the caller, is {@code folder}; none until {@link #start}.
     */
    Generations(String name, int index, Settings settings, GenerationFolder folder) {
        this.name = name;
        this.index = index;
        this.settings = settings;
        this.records = new GenerationRecords(name, folder);
    }

    GenerationFolder folder() {
        return records.folder();
    }

    /**
     * Cleans what a crash left in the folder, recovers the records ({@link FolderRecovery}), opens the
     * current generation and applies the keep policy.
     *
     * @return the current generation, held once for the engine's first view
     */
    synchronized Generation start(GenerationFolder.Location found, String fetchedRollout,
            Consumer<Generation> onRetire) throws IOException {
        GenerationRecord record = FolderRecovery.recover(name, records, found, settings, fetchedRollout);
        current = openGeneration(record.id(), record.file(), onRetire);
        current.becameCurrent();
        open.put(current.id(), current);
        pruneLocked();
        LOG.log(System.Logger.Level.INFO, "{0}: {1} is generation {2}{3}, folder {4}", name, folder().live(),
                current.id(), records.adoptionPending() ? " (served where it lies, " + current.file() + ")" : "",
                folder());
        return current;
    }

    /** Opens generation {@code id}, its file at {@code file}, with one hold for the caller. */
    Generation openGeneration(long id, Path file, Consumer<Generation> onRetire) throws IOException {
        return new Generation(name, index, id, file, GenerationPool.open(name, id, file, settings), onRetire);
    }

    synchronized Generation current() {
        return current;
    }

    /** See {@link GenerationRecords#nextId()}. */
    synchronized long nextId() throws IOException {
        return current == null ? records.nextId() : Math.max(records.nextId(), current.id() + 1);
    }

    synchronized GenerationRecord record(long id) {
        return records.get(id);
    }

    /** See {@link ManagedDatabase#recordAdoption()}. */
    synchronized void recordAdoption() throws IOException {
        records.recordAdoption();
    }

    /** See {@link ManagedDatabase#recordLinked(GenerationRecord)}. */
    synchronized boolean recordLinked(GenerationRecord record) {
        return records.recordLinked(record);
    }

    /** See {@link ManagedDatabase#flipped(Generation, GenerationRecord, long)}. */
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

    /** See {@link ManagedDatabase#rollbackTarget(OptionalLong, Consumer)}. */
    synchronized ManagedDatabase.RollbackTarget rollbackTarget(OptionalLong id, Consumer<Generation> onRetire)
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
            return new ManagedDatabase.RollbackTarget(open, target);
        }
        try {
            DatabaseHeader.check(target.file());
        } catch (SwapRefusedException e) {
            throw new SwapRefusedException(SwapRefusedException.Reason.UNREADABLE, "ERROR: generation " + target.id() + " of " + name + " ("
                    + target.file() + ") is damaged: " + e.getMessage().substring("ERROR: ".length()));
        }
        Generation fresh = openGeneration(target.id(), target.file(), onRetire);
        activating.add(target.id());
        return new ManagedDatabase.RollbackTarget(fresh, target);
    }

    private static String ids(List<GenerationRecord> records) {
        if (records.isEmpty()) {
            return "none";
        }
        List<String> ids = new ArrayList<>();
        records.forEach(record -> ids.add(Long.toString(record.id())));
        return String.join(", ", ids);
    }

    /** The rollback to generation {@code id} flipped or failed: the keep policy applies to it again. */
    synchronized void endActivation(long id) {
        activating.remove(id);
    }

    /** {@code generation} retired and its pool is closed: it is open no more, and the keep policy applies. */
    synchronized void closed(Generation generation) {
        if (open.get(generation.id()) == generation) {
            open.remove(generation.id());
        }
        LOG.log(System.Logger.Level.INFO, "{0}: generation {1} closed", name, generation.id());
        pruneLocked();
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
            folder().delete(record.file());
            records.forget(record.id());
            pauses.remove(record.id());
            changed = true;
            LOG.log(System.Logger.Level.INFO, "{0}: deleted generation {1} (keep {2})", name, record.id(), settings.keep());
        }
        records.rewriteIf(changed);
    }

    /** See {@link ManagedDatabase#status(ToLongFunction)}; {@code lastReport} is the last swap's, or null. */
    synchronized DatabaseStatus status(ToLongFunction<Generation> requests, SwapReport lastReport) {
        List<GenerationRecord> earlier = records.earlier(current.id());
        List<GenerationStatus> kept = new ArrayList<>();
        List<GenerationStatus> retiring = new ArrayList<>();
        for (int i = 0; i < earlier.size(); i++) {
            GenerationStatus status = status(earlier.get(i), requests);
            (i < settings.keep() ? kept : retiring).add(status);
        }
        return new DatabaseStatus(name, folder().live(), status(records.get(current.id()), requests), kept, retiring,
                lastReport);
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

    /** Closes every open generation's pool. */
    synchronized void closeAll() {
        open.values().forEach(generation -> generation.pool().close());
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
