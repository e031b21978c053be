package dev.hotswap.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of one database's generations on disk, in the order they became current (the order
 * of the history's lines, never their instants: a wall clock can step back), and every write of the
 * folder's {@code history} file that keeps them. The history says one generation more than the
 * records between a swap's link and its flip (the one being linked), and one fewer while the
 * current generation is an operator's linked file not recorded yet.
 *
 * <p>Not thread-safe, on purpose: {@link Generations} calls it under its own lock only, and that one
 * lock is what serializes the writes of the history, so that a prune's rewrite never replaces a line
 * appended meanwhile ({@link GenerationHistory} counts on it).
 */
final class GenerationRecords {
    private static final System.Logger LOG = System.getLogger(GenerationRecords.class.getName());

    private final String name;
    private final GenerationFolder folder;
    /** By id, in the order they were last current, the most recent last. */
    private final LinkedHashMap<Long, GenerationRecord> records = new LinkedHashMap<>();
    /** The generation the live path was pointed at and whose flip has not been recorded yet, or null. */
    private GenerationRecord linking;
    /** The current generation while it is an operator's linked file not recorded in the history yet, or null. */
    private GenerationRecord unrecordedAdoption;

    GenerationRecords(String name, GenerationFolder folder) {
        this.name = name;
        this.folder = folder;
    }

    GenerationFolder folder() {
        return folder;
    }

    /** Takes the records of the history's lines, at start. */
    void readHistory() throws IOException {
        records.putAll(folder.history().read());
    }

    GenerationRecord get(long id) {
        return records.get(id);
    }

    boolean contains(long id) {
        return records.containsKey(id);
    }

    /** Every record, in the order they were last current. */
    List<GenerationRecord> all() {
        return new ArrayList<>(records.values());
    }

    /** Every record by id, in the order they were last current, for tests. */
    Map<Long, GenerationRecord> copy() {
        return new LinkedHashMap<>(records);
    }

    /** The generation of the history's last line (the most recently current one), or -1. */
    long lastId() {
        long last = -1;
        for (long id : records.keySet()) {
            last = id;
        }
        return last;
    }

    /**
     * The id the next new generation gets: above every id on disk or recorded, and above every id the
     * history ever named, so that an id is never given twice, even after its generation was deleted.
     */
    long nextId() throws IOException {
        long max = folder.history().highestId();
        for (long id : folder.ids()) {
            max = Math.max(max, id);
        }
        for (long id : records.keySet()) {
            max = Math.max(max, id);
        }
        return max + 1;
    }

    /**
     * Generations on disk other than {@code currentId}, most recently current first: the order
     * rollback and the keep policy follow.
     */
    List<GenerationRecord> earlier(long currentId) {
        List<GenerationRecord> earlier = new ArrayList<>();
        for (GenerationRecord record : records.values()) {
            if (record.id() != currentId) {
                earlier.add(0, record);
            }
        }
        return earlier;
    }

    /** Adds {@code record}, or replaces the one of its id where that one stands in the order. */
    void add(GenerationRecord record) {
        records.put(record.id(), record);
    }

    /** {@code record}'s generation became current: its record goes last, and nothing is being linked. */
    void becameCurrent(GenerationRecord record) {
        records.remove(record.id());
        records.put(record.id(), record);
        linking = null;
    }

    void forget(long id) {
        records.remove(id);
    }

    /** The current generation, {@code adopted}, is an operator's linked file not recorded in the history yet. */
    void adoptionPending(GenerationRecord adopted) {
        unrecordedAdoption = adopted;
    }

    boolean adoptionPending() {
        return unrecordedAdoption != null;
    }

    /** Records the current generation, an operator's linked file, in the history, if it is not yet. */
    void recordAdoption() throws IOException {
        if (unrecordedAdoption != null) {
            GenerationRecord adopted = records.get(unrecordedAdoption.id());
            GenerationRecord pending = unrecordedAdoption;
            unrecordedAdoption = null;
            try {
                append(adopted);
            } catch (IOException e) {
                unrecordedAdoption = pending;
                throw e;
            }
        }
    }

    /**
     * Records that the live path leads to {@code record}'s generation now, ahead of its flip; a
     * failure is logged, and the history, stale now, is written whole by its next write.
     *
     * @return whether the line is on disk
     */
    boolean recordLinked(GenerationRecord record) {
        linking = record;
        try {
            append(record);
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, name + ": could not record generation " + record.id() + " in "
                    + folder + "/history; it is written whole at the next swap or prune", e);
            return false;
        }
    }

    /** Appends {@code record}'s line; if the history is stale, writes it whole, ending with {@code record}. */
    void append(GenerationRecord record) throws IOException {
        List<GenerationRecord> all = persisted();
        all.removeIf(other -> other.id() == record.id());
        all.add(record);
        folder.history().append(record, all);
    }

    /** Writes the history whole if {@code forgotten} (records were forgotten) or it is stale; a failure is logged. */
    void rewriteIf(boolean forgotten) {
        if (forgotten || folder.history().isStale()) {
            try {
                folder.history().rewrite(persisted());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, name + ": rewriting " + folder + "/history failed; it is"
                        + " written whole at the next swap or prune", e);
            }
        }
    }

    /**
     * What the history must say now, in the order generations became current: every record (but the
     * current one while it is an operator's file not recorded yet), then the one being linked.
     */
    private List<GenerationRecord> persisted() {
        List<GenerationRecord> persisted = new ArrayList<>();
        for (GenerationRecord record : records.values()) {
            boolean unrecorded = unrecordedAdoption != null && record.id() == unrecordedAdoption.id();
            if (!unrecorded && (linking == null || record.id() != linking.id())) {
                persisted.add(record);
            }
        }
        if (linking != null) {
            persisted.add(linking);
        }
        return persisted;
    }
}
