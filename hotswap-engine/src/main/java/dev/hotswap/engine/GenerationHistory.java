package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code history} file of a generation folder: one line per generation that became current (or
 * was adopted), appended and synced <em>after</em> the live link points to it, so that a generation
 * file with no line never went live (a push that crashed before its flip) and is deleted at start.
 * The last line of an id wins; the order of last lines is the order in which generations were
 * current, newest last. That order, not the instants on the lines, is what rollback and the keep
 * policy follow: a wall clock can step back.
 *
 * <p>Line format, tab-separated: id, the instant it became current, origin ({@code adopted} or
 * {@code pushed}), the file if it lies outside the folder (an adopted file) or {@code -}, the rollout
 * id or {@code -}. A line that does not parse, or a last line without its newline (a crash or power
 * loss mid-append), is skipped; the next append starts on a line of its own.
 *
 * <p>Generation ids are never given twice (they are an order, and {@code ls}, metrics and the fleet
 * show them): the next id follows the highest one any line ever named, also after a prune deleted
 * that generation and its line (a rollback with {@code keep 0} deletes the newest generation). A
 * rewrite that drops the line of the highest id keeps it in a first line {@code highest <TAB> id}.
 *
 * <p>After a write that failed, the file may lack a line the engine knows of: it is <em>stale</em>,
 * and the next write replaces the whole file from what the engine knows instead of appending. The
 * caller ({@link GenerationRecords}, under its database's lock) serializes every write, so that a
 * rewrite never replaces an append made meanwhile.
 */
final class GenerationHistory {
    private static final System.Logger LOG = System.getLogger(GenerationHistory.class.getName());
    private static final String NONE = "-";
    private static final String HIGHEST = "highest";

    private final Path file;
    private final Path folder;
    private final Disk disk;
    private boolean stale;
    /** The highest generation id a line read or written named. */
    private long highestId;

    GenerationHistory(Path folder, Disk disk) {
        this.folder = folder;
        this.file = folder.resolve("history");
        this.disk = disk;
    }

    /** Every generation with a line, by id, in the order they were last current (oldest first). */
    Map<Long, GenerationRecord> read() throws IOException {
        Map<Long, GenerationRecord> records = new LinkedHashMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return records;
        }
        List<String> lines = Arrays.asList(text.split("\n", -1));
        String torn = lines.get(lines.size() - 1);
        if (!torn.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: skipping a last line cut short: {1}", file, torn);
        }
        for (String line : lines.subList(0, lines.size() - 1)) {
            if (line.startsWith(HIGHEST + "\t")) {
                highestId = Math.max(highestId, parseHighest(line));
                continue;
            }
            GenerationRecord record = parse(line);
            if (record == null) {
                if (!line.isBlank()) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: skipping unreadable line {1}", file, line);
                }
                continue;
            }
            GenerationRecord earlier = records.remove(record.id());
            if (earlier != null && record.rolloutId() == null && earlier.rolloutId() != null) {
                record = new GenerationRecord(record.id(), record.file(), record.since(), record.origin(),
                        earlier.rolloutId());
            }
            records.put(record.id(), record);
            highestId = Math.max(highestId, record.id());
        }
        return records;
    }

    /** The highest generation id any line read or written so far named, 0 if none. */
    long highestId() {
        return highestId;
    }

    /**
     * Appends {@code record} and syncs the file, on a line of its own even after a torn last line;
     * when the file is stale (an earlier write failed), replaces it with {@code all} instead, which
     * must end with {@code record}.
     *
     * @throws IOException if the write failed; the file is stale until a later write succeeds
     */
    void append(GenerationRecord record, Collection<GenerationRecord> all) throws IOException {
        highestId = Math.max(highestId, record.id());
        if (stale) {
            rewrite(all);
            return;
        }
        String line = format(record);
        if (!endsWithNewline()) {
            line = "\n" + line; // what a power loss mid-append left stays a line of its own, and is skipped
        }
        stale = true;
        disk.write(file, line.getBytes(StandardCharsets.UTF_8), true);
        stale = false;
    }

    /** Replaces the file with one line per record, in order (atomically: temp file, sync, rename). */
    void rewrite(Collection<GenerationRecord> records) throws IOException {
        StringBuilder text = new StringBuilder();
        long highestKept = 0;
        for (GenerationRecord record : records) {
            highestKept = Math.max(highestKept, record.id());
        }
        highestId = Math.max(highestId, highestKept);
        if (highestId > highestKept) {
            text.append(HIGHEST).append('\t').append(highestId).append('\n');
        }
        records.forEach(record -> text.append(format(record)));
        Path temp = folder.resolve(".history.tmp");
        stale = true;
        disk.write(temp, text.toString().getBytes(StandardCharsets.UTF_8), false);
        disk.rename(temp, file);
        disk.syncDirectory(folder);
        stale = false;
    }

    /** Whether an earlier write failed, so that the file may lack what the engine knows. */
    boolean isStale() {
        return stale;
    }

    private boolean endsWithNewline() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            while (last.hasRemaining() && channel.read(last, size - 1) >= 0) {
                // a short read just repeats
            }
            return last.get(0) == '\n';
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    private String format(GenerationRecord record) {
        String outside = record.file().getParent().equals(folder) ? NONE : record.file().toString();
        return record.id() + "\t" + record.since() + "\t" + record.origin().name().toLowerCase(java.util.Locale.ROOT)
                + "\t" + outside + "\t" + (record.rolloutId() == null ? NONE : record.rolloutId()) + "\n";
    }

    private long parseHighest(String line) {
        try {
            return Long.parseLong(line.substring(HIGHEST.length() + 1));
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: skipping unreadable line {1}", file, line);
            return 0;
        }
    }

    private GenerationRecord parse(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 5) {
            return null;
        }
        try {
            long id = Long.parseLong(fields[0]);
            Instant since = Instant.parse(fields[1]);
            GenerationRecord.Origin origin = GenerationRecord.Origin.valueOf(fields[2].toUpperCase(java.util.Locale.ROOT));
            Path path = fields[3].equals(NONE) ? GenerationFolder.fileName(folder, id) : Path.of(fields[3]);
            String rollout = fields[4].equals(NONE) ? null : fields[4];
            return new GenerationRecord(id, path, since, origin, rollout);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return null;
        }
    }
}
