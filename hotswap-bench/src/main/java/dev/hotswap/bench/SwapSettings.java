package dev.hotswap.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link SwapPause} runs.
 *
 * @param readers the reader thread counts to measure, one run each
 * @param pushes pushes measured per run
 * @param warmup pushes made before those, not measured
 * @param rows rows per database file
 * @param rowBytes bytes of text per row
 * @param wal WAL mode (else rollback-journal mode)
 * @param intervalMillis pause between pushes
 * @param replica rounds of {@link DurableStepsReplica}, 0 for none
 * @param dir where to work, or null for a temp directory deleted afterwards
 */
record SwapSettings(List<Integer> readers, int pushes, int warmup, int rows, int rowBytes, boolean wal,
        long intervalMillis, int replica, Path dir) {

    static final String USAGE = "usage: SwapPause [--readers 0,2,8] [--pushes 200] [--warmup 10] [--rows 10000]"
            + " [--row-bytes 400] [--journal wal|delete] [--interval-ms 20] [--replica 20] [--dir PATH]";

    /**
     * The settings {@code args} ask for, or null if they ask for help.
     *
     * @throws IllegalArgumentException for an unknown flag or a value out of range, saying which
     */
    static SwapSettings parse(String[] args) {
        List<Integer> readers = List.of(0, 2, 8);
        int pushes = 200;
        int warmup = 10;
        int rows = 10_000;
        int rowBytes = 400;
        boolean wal = true;
        long interval = 20;
        int replica = 20;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag " + flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--readers" -> readers = counts(flag, value, 0, 256);
                case "--pushes" -> pushes = count(flag, value, 1, 100_000);
                case "--warmup" -> warmup = count(flag, value, 0, 100_000);
                case "--rows" -> rows = count(flag, value, Reader.PAGE, 100_000_000);
                case "--row-bytes" -> rowBytes = count(flag, value, 1, 1_000_000);
                case "--interval-ms" -> interval = count(flag, value, 0, 60_000);
                case "--replica" -> replica = count(flag, value, 0, 100_000);
                case "--dir" -> dir = Path.of(value);
                case "--journal" -> {
                    if (!value.equals("wal") && !value.equals("delete")) {
                        throw new IllegalArgumentException("--journal " + value + " must be wal or delete");
                    }
                    wal = value.equals("wal");
                }
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        return new SwapSettings(readers, pushes, warmup, rows, rowBytes, wal, interval, replica, dir);
    }

    private static int count(String flag, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " " + value + " is not a number", e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + " " + n + " is outside " + min + ".." + max);
        }
        return n;
    }

    private static List<Integer> counts(String flag, String value, int min, int max) {
        List<Integer> counts = new ArrayList<>();
        for (String part : value.split(",")) {
            counts.add(count(flag, part, min, max));
        }
        return List.copyOf(counts);
    }
}
