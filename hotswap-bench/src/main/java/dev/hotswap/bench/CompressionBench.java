package dev.hotswap.bench;

import dev.hotswap.bench.Relay.Measured;
import dev.hotswap.engine.Hotswap;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/**
 * Whole-file pushes and pulls through the jlink CLI with {@code --compress=never} and
 * {@code --compress=always}, on a text-heavy database (generated prose, as articles are) and on one
 * of random blobs: bytes on the wire each way and wall time, through a relay that counts the bytes,
 * unthrottled (a fast local pipe) and throttled (a slow link). The relay's socket looks local to
 * the CLI, so {@code always} stands in for what {@code auto} does over a remote link: adaptive
 * compression on both sides. Run by {@code bin/hotswap-bench transfer --content text,blobs}.
 */
final class CompressionBench {
    private static final int ROW_BYTES = 1000;

    private CompressionBench() {
    }

    static void run(Path base, int mib, double throttleMbs, Path cli, List<String> contents) throws Exception {
        System.out.printf(Locale.ROOT, "%n## Compressed transfers, %d MiB, relay throttled to %.0f MB/s for the slow-link rows%n%n",
                mib, throttleMbs);
        System.out.println("| content | deflate (level 1, in-process) | link | compress | push | bytes up | pull | bytes down |");
        System.out.println("|---|---|---|---|---:|---:|---:|---:|");
        for (String content : contents) {
            Path dir = Files.createTempDirectory(base, "hsz");
            try {
                table(dir, mib, throttleMbs, cli, content);
            } finally {
                TempDirectory.delete(dir);
            }
        }
    }

    private static void table(Path dir, int mib, double throttleMbs, Path cli, String content) throws Exception {
        Path original = dir.resolve("original.sqlite3");
        build(original, mib, content);
        Path live = dir.resolve("db/production.sqlite3");
        Files.createDirectories(live.getParent());
        Files.copy(original, live);
        String deflate = deflate(original);
        Path socket = dir.resolve("s.sock");
        try (Hotswap hotswap = Hotswap.builder().database("production", live).socket(socket).build().start()) {
            for (double rate : new double[] {0, throttleMbs}) {
                try (Relay relay = Relay.start(dir.resolve("r.sock"), socket, rate)) {
                    for (String compress : List.of("never", "always")) {
                        TransferBench.reset(hotswap, original);
                        Measured push = relay.measure(() -> cli(cli, relay.path, "cp", "--full", "--compress=" + compress,
                                original.toString(), "production"));
                        Path pulled = dir.resolve("pulled.sqlite3");
                        Files.deleteIfExists(pulled);
                        Measured pull = relay.measure(() -> cli(cli, relay.path, "cp", "--full", "--compress=" + compress,
                                "production", pulled.toString()));
                        Files.delete(pulled);
                        System.out.printf(Locale.ROOT, "| %s, %d MiB | %s | %s | %s | %.2f s | %s | %.2f s | %s |%n",
                                content, Files.size(original) >> 20, deflate,
                                rate == 0 ? "local pipe" : String.format(Locale.ROOT, "%.0f MB/s", rate), compress,
                                push.seconds(), share(push.up(), original), pull.seconds(), share(pull.down(), original));
                    }
                }
            }
        }
    }

    /** A database of about {@code mib} MiB: rows of generated prose, or of random blobs. */
    private static void build(Path file, int mib, String content) throws Exception {
        int rows = (int) ((long) mib * (1 << 20) / (ROW_BYTES + 40));
        Random random = new Random(42);
        String[] words = words(random, 4000);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE articles(id INTEGER PRIMARY KEY, body)");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO articles(body) VALUES (?)")) {
                for (int row = 0; row < rows; row++) {
                    if (content.equals("text")) {
                        insert.setString(1, prose(random, words, ROW_BYTES));
                    } else if (content.equals("blobs")) {
                        byte[] blob = new byte[ROW_BYTES];
                        random.nextBytes(blob);
                        insert.setBytes(1, blob);
                    } else {
                        throw new IllegalArgumentException("unknown content " + content + " (text, blobs)");
                    }
                    insert.addBatch();
                    if (row % 10_000 == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
        }
    }

    /** Pseudo-words of 2 to 4 syllables: a vocabulary with the letter statistics of no language, but text's redundancy. */
    private static String[] words(Random random, int count) {
        String[] syllables = {"ka", "to", "ri", "men", "sa", "lo", "ve", "dan", "ti", "por", "el", "na", "qua", "ser",
            "mi", "tu", "ba", "ren", "co", "li", "ga", "fi", "an", "de", "ho", "pe", "ru", "os", "ne", "tra"};
        String[] words = new String[count];
        for (int i = 0; i < count; i++) {
            StringBuilder word = new StringBuilder();
            for (int s = 2 + random.nextInt(3); s > 0; s--) {
                word.append(syllables[random.nextInt(syllables.length)]);
            }
            words[i] = word.toString();
        }
        return words;
    }

    /** Words drawn with a skew toward the common ones (as in any language), in sentences. */
    private static String prose(Random random, String[] words, int length) {
        StringBuilder text = new StringBuilder(length + 32);
        while (text.length() < length) {
            double skewed = Math.pow(random.nextDouble(), 3);
            text.append(words[(int) (skewed * words.length)]);
            text.append(random.nextInt(14) == 0 ? ". " : " ");
        }
        return text.substring(0, length);
    }

    /** The in-process speed and ratio of deflate at level 1 over the first 64 MiB of {@code file}. */
    private static String deflate(Path file) throws Exception {
        byte[] block = new byte[256 << 10];
        byte[] out = new byte[block.length + 1024];
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        long in = 0;
        long compressed = 0;
        long nanos = 0;
        try (InputStream stream = Files.newInputStream(file)) {
            for (int n; in < (64 << 20) && (n = stream.readNBytes(block, 0, block.length)) > 0; in += n) {
                long start = System.nanoTime();
                deflater.reset();
                deflater.setInput(block, 0, n);
                deflater.finish();
                while (!deflater.finished()) {
                    compressed += deflater.deflate(out);
                }
                nanos += System.nanoTime() - start;
            }
        } finally {
            deflater.end();
        }
        return String.format(Locale.ROOT, "%.0f MB/s, to %.0f %%", in * 1e3 / nanos, 100.0 * compressed / in);
    }

    private static String share(long bytes, Path original) throws Exception {
        return String.format(Locale.ROOT, "%.1f MiB (%.0f %%)", bytes / 1048576.0, 100.0 * bytes / Files.size(original));
    }

    private static void cli(Path cli, Path socket, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(cli.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--socket", socket.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new java.io.IOException(command + " failed:\n" + new String(output, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
