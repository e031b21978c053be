package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The start of one managed database in its generation folder: what a crash left is cleaned up and
 * the records of its generations are recovered. Temp files are deleted, a regular file at the live
 * path is adopted in place, the history is read and completed (a link whose line a crash lost is
 * trusted and its line written), generation files that never went live are deleted, and generations
 * whose files are gone are forgotten. {@link Generations#start} runs it under its lock, with the
 * folder's lock held.
 */
final class FolderRecovery {
    private static final System.Logger LOG = System.getLogger(FolderRecovery.class.getName());

    private final String name;
    private final Path live;
    private final GenerationFolder folder;
    private final GenerationRecords records;
    private final Settings settings;

    private FolderRecovery(String name, GenerationRecords records, Settings settings) {
        this.name = name;
        this.folder = records.folder();
        this.live = folder.live();
        this.records = records;
        this.settings = settings;
    }

    /**
     * Cleans what a crash left in the folder of {@code records} (none yet) and recovers them; the
     * record of the generation the live path leads to ends up last.
     *
     * @param found what the live path led to when the engine looked
     * @param fetchedRollout the fleet rollout whose copy the engine just put at the live path (it is
     *     adopted with that id), or null
     * @return the record of what the live path leads to now
     */
    static GenerationRecord recover(String name, GenerationRecords records, GenerationFolder.Location found,
            Settings settings, String fetchedRollout) throws IOException {
        return new FolderRecovery(name, records, settings).recover(found, fetchedRollout);
    }

    private GenerationRecord recover(GenerationFolder.Location found, String fetchedRollout) throws IOException {
        GenerationFolder.Location location = found;
        int temps = folder.deleteTemps() + TempFiles.deleteOrphans(live, settings.disk());
        if (temps > 0) {
            LOG.log(System.Logger.Level.INFO, "{0}: deleted {1} temp file(s) a crash left", name, temps);
        }
        records.readHistory();
        if (location.generation().isEmpty() && !Files.isSymbolicLink(live)) {
            records.add(Adoption.adoptInPlace(name, live, folder, records.nextId(), settings.clock().instant(),
                    fetchedRollout));
            location = GenerationFolder.locate(name, live);
        }
        GenerationRecord current = currentRecord(location);
        deleteOrphans(current.id());
        for (GenerationRecord record : records.all()) {
            if (record.id() != current.id() && !Files.exists(record.file())) {
                LOG.log(System.Logger.Level.WARNING, "{0}: generation {1} is gone ({2}); forgetting it",
                        name, record.id(), record.file());
                records.forget(record.id());
            }
        }
        records.becameCurrent(current);
        return current;
    }

    /** The record of what the live path leads to now; for a file not yet a generation, a new one. */
    private GenerationRecord currentRecord(GenerationFolder.Location location) throws IOException {
        if (location.generation().isPresent()) {
            long id = location.generation().getAsLong();
            GenerationRecord known = records.get(id);
            if (known != null && id == records.lastId()) {
                return known;
            }
            if (known != null) {
                // A rollback replaced the link but its history line did not make it (a crash in
                // between): the generation became current again, and the order must say so.
                GenerationRecord record = known.currentSince(settings.clock().instant());
                records.append(record);
                return record;
            }
            // The link was replaced but the history line did not make it (a crash in between).
            GenerationRecord record = new GenerationRecord(id, location.file(), settings.clock().instant(),
                    GenerationRecord.Origin.PUSHED, null);
            records.append(record);
            return record;
        }
        for (GenerationRecord record : records.all()) {
            if (record.file().equals(location.file())) {
                return record.currentSince(settings.clock().instant()); // an operator's linked file, recorded before
            }
        }
        GenerationRecord adopted = new GenerationRecord(records.nextId(), location.file(), settings.clock().instant(),
                GenerationRecord.Origin.ADOPTED, null);
        records.adoptionPending(adopted);
        return adopted;
    }

    /** Deletes generation files that never went live (no history line): pushes that crashed before their flip. */
    private void deleteOrphans(long currentId) throws IOException {
        for (long id : folder.ids()) {
            if (id != currentId && !records.contains(id)) {
                LOG.log(System.Logger.Level.INFO, "{0}: deleting generation {1}, which never went live", name, id);
                folder.delete(folder.file(id));
            }
        }
    }
}
