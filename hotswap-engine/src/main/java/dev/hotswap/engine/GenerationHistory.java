package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code history} file of a generation folder: one line per generation that became current (or
 * was adopted), appended and synced <em>after</em> the live link points to it, so that a generation
 * file with no line never went live (a push that crashed before its flip) and is deleted at start.
 * The last line of an id wins; the order of last lines is the order in which generations were
 * current, newest last.
 *
 * <p>Line format, tab-separated: id, the instant it became current, origin ({@code adopted} or
 * {@code pushed}), the file if it lies outside the folder (an adopted file) or {@code -}, the rollout
 * id or {@code -}. A line that does not parse (a crash mid-append) is skipped.
 */
final class GenerationHistory {
    private static final System.Logger LOG = System.getLogger(GenerationHistory.class.getName());
    private static final String NONE = "-";

    private final Path file;
    private final Path folder;

    GenerationHistory(Path folder) {
        this.folder = folder;
        this.file = folder.resolve("history");
    }

    /** Every generation with a line, by id, in the order they were last current (oldest first). */
    Map<Long, GenerationRecord> read() throws IOException {
        Map<Long, GenerationRecord> records = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return records;
        }
        for (String line : lines) {
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
        }
        return records;
    }

    /** Appends {@code record} and syncs the file. */
    void append(GenerationRecord record) throws IOException {
        byte[] line = format(record).getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Replaces the file with one line per record, in order (atomically: temp file, sync, rename). */
    void rewrite(Collection<GenerationRecord> records) throws IOException {
        StringBuilder text = new StringBuilder();
        records.forEach(record -> text.append(format(record)));
        Path temp = folder.resolve(".history.tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        TempFiles.syncDirectory(folder);
    }

    private String format(GenerationRecord record) {
        String outside = record.file().getParent().equals(folder) ? NONE : record.file().toString();
        return record.id() + "\t" + record.since() + "\t" + record.origin().name().toLowerCase(java.util.Locale.ROOT)
                + "\t" + outside + "\t" + (record.rolloutId() == null ? NONE : record.rolloutId()) + "\n";
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
