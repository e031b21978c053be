package dev.hotswap.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's file work around a swap, done by hand in the engine's order and layout (a live link
 * into {@code .hotswap/<name>/NNNNNN.sqlite3}, a {@code history} file), each step timed on its own:
 * no engine, no readers. It explains where {@link dev.hotswap.engine.SwapReport#swap()} and the
 * rest of a push go; the engine's own numbers are the ones that count.
 *
 * <p>Per round, untimed first: the pushed file is copied into the folder under a temp name and
 * synced (the receive). Then timed: installing it under its generation name, opening its first
 * connection, pointing the live link at it, appending its history line; then retiring the previous
 * generation (closing its connection, which had read, so SQLite checkpoints and removes its side
 * files) and pruning the one before (unlink, history rewritten), as {@code keep(1)} does.
 */
final class DurableStepsReplica {

    /** The timed steps, in order. */
    enum Step {
        INSTALL_RENAME("stage: rename the synced file to its generation name"),
        INSTALL_SYNC("stage: fsync the generation folder"),
        OPEN("swap: open the new generation's first connection"),
        LINK_CREATE("swap: create the new link under a temp name"),
        LINK_RENAME("swap: rename the link over the live path"),
        LINK_SYNC("swap: fsync the live path's directory"),
        HISTORY_APPEND("swap: append the history line, fsync it"),
        RETIRE_CLOSE("after: close the old generation's connection"),
        PRUNE_UNLINK("after: delete the generation before it"),
        PRUNE_HISTORY("after: rewrite the history (write, fsync, rename, fsync the folder)");

        final String description;

        Step(String description) {
            this.description = description;
        }
    }

    private DurableStepsReplica() {
    }

    /** Runs {@code rounds} rounds in {@code dir} (created, then deleted), alternating the two files. */
    static Map<Step, Distribution> run(Path dir, Path first, Path second, int rounds)
            throws IOException, SQLException {
        Map<Step, long[]> samples = new EnumMap<>(Step.class);
        for (Step step : Step.values()) {
            samples.put(step, new long[rounds]);
        }
        Files.createDirectories(dir);
        Path live = dir.resolve("replica.sqlite3");
        Path folder = Files.createDirectories(dir.resolve(".hotswap").resolve("replica.sqlite3"));
        Path history = folder.resolve("history");
        List<String> lines = new ArrayList<>();
        Files.copy(first, generation(folder, 1));
        Files.createSymbolicLink(live, dir.relativize(generation(folder, 1)));
        lines.add(line(1));
        Files.writeString(history, lines.get(0));
        Connection current = BenchDatabase.open(generation(folder, 1));
        try {
            read(current);
            for (int round = 0; round < rounds; round++) {
                long id = round + 2;
                Path temp = folder.resolve(".incoming-" + id + ".tmp");
                Files.copy(round % 2 == 0 ? second : first, temp);
                sync(temp);

                long t0 = System.nanoTime();
                Path file = generation(folder, id);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                long t1 = System.nanoTime();
                sync(folder);
                long t2 = System.nanoTime();
                Connection next = BenchDatabase.open(file);
                long t3 = System.nanoTime();
                Path link = dir.resolve(".replica.sqlite3.hotswap-" + id + ".tmp");
                Files.createSymbolicLink(link, dir.relativize(file));
                long t4 = System.nanoTime();
                Files.move(link, live, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                long t5 = System.nanoTime();
                sync(dir);
                long t6 = System.nanoTime();
                String line = line(id);
                append(history, line);
                lines.add(line);
                long t7 = System.nanoTime();

                read(next); // as the readers do once the new generation is current
                long t8 = System.nanoTime();
                current.close();
                current = next;
                long t9 = System.nanoTime();
                long t10 = t9;
                if (id > 2) {
                    Files.delete(generation(folder, id - 2));
                    lines.remove(0);
                    t10 = System.nanoTime();
                    rewrite(folder, history, lines);
                }
                long t11 = System.nanoTime();

                long[] times = {t0, t1, t2, t3, t4, t5, t6, t7};
                for (int s = 0; s < 7; s++) {
                    samples.get(Step.values()[s])[round] = times[s + 1] - times[s];
                }
                samples.get(Step.RETIRE_CLOSE)[round] = t9 - t8;
                samples.get(Step.PRUNE_UNLINK)[round] = t10 - t9;
                samples.get(Step.PRUNE_HISTORY)[round] = t11 - t10;
            }
        } finally {
            current.close();
            TempDirectory.delete(dir);
        }
        Map<Step, Distribution> result = new EnumMap<>(Step.class);
        samples.forEach((step, values) -> result.put(step, Distribution.of(values, values.length)));
        return result;
    }

    private static Path generation(Path folder, long id) {
        return folder.resolve(String.format("%06d.sqlite3", id));
    }

    private static String line(long id) {
        return id + "\t" + Instant.now() + "\tpushed\t-\t-\n";
    }

    private static void read(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM items WHERE id < 100")) {
            row.next();
        }
    }

    private static void append(Path file, String line) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            write(channel, line);
            channel.force(true);
        }
    }

    private static void rewrite(Path folder, Path history, List<String> lines) throws IOException {
        Path temp = folder.resolve(".history.tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(channel, String.join("", lines));
            channel.force(true);
        }
        Files.move(temp, history, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        sync(folder);
    }

    private static void write(FileChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** fsync of a file or a directory (a directory opens read-only). */
    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, Files.isDirectory(path)
                ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }
}
