package dev.hotswap.cli;

import java.util.Locale;

/** How sizes, rates and durations read in status lines and tables: binary units, one decimal, no locale. */
final class Quantities {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private Quantities() {
    }

    /** {@code 512 bytes}, {@code 1.5 KiB}, {@code 12.3 MiB}, ... */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** Throughput in MiB/s over {@code nanos}, e.g. {@code 45.6 MiB/s}. */
    /** {@code ", N on the wire"} when compression made {@code wire} bytes of {@code data}; else empty. */
    static String onTheWire(long data, long wire) {
        return wire == data ? "" : ", " + bytes(wire) + " on the wire";
    }

    static String rate(long bytes, long nanos) {
        double seconds = Math.max(nanos, 1) / 1e9;
        return String.format(Locale.ROOT, "%.1f MiB/s", bytes / seconds / (1 << 20));
    }

    /** A duration: {@code 0.42 s}, {@code 12.3 s}, {@code 2:05}. */
    static String duration(long nanos) {
        double seconds = nanos / 1e9;
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.2f s", seconds);
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long whole = (long) seconds;
        return String.format(Locale.ROOT, "%d:%02d", whole / 60, whole % 60);
    }

    /** A size without blanks, for tables: {@code 512B}, {@code 4.0KiB}, {@code 12.3MiB}, ... */
    static String compactBytes(long bytes) {
        return bytes < 1024 ? bytes + "B" : bytes(bytes).replace(" ", "");
    }

    /** A pause given in microseconds, without blanks: {@code 85µs}, {@code 1.25ms}, {@code 12.3ms}, {@code 1.50s}. */
    static String compactMicros(long micros) {
        if (micros < 1000) {
            return micros + "µs";
        }
        if (micros < 10_000) {
            return String.format(Locale.ROOT, "%.2fms", micros / 1e3);
        }
        if (micros < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fms", micros / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fs", micros / 1e6);
    }
}
