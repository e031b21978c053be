package dev.hotswap.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Markdown table: the first column left-aligned, the others right-aligned (numbers). */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> header) {
        this.header = header;
    }

    static Table of(String... columns) {
        return new Table(List.of(columns));
    }

    /** Adds a row; cells beyond the header's width are an error. */
    Table row(String... cells) {
        if (cells.length > header.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    /** A row naming a distribution of nanoseconds: p50, p90, p99, max, each shown in {@code unit}. */
    Table percentiles(String name, Distribution nanos, Unit unit) {
        return row(name, unit.format(nanos.median()), unit.format(nanos.percentile(90)),
                unit.format(nanos.percentile(99)), unit.format(nanos.max()));
    }

    void print(PrintStream out) {
        out.println("| " + String.join(" | ", header) + " |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int i = 1; i < header.size(); i++) {
            rule.append("---:|");
        }
        out.println(rule);
        for (List<String> row : rows) {
            out.println("| " + String.join(" | ", row) + " |");
        }
    }

    /** How a number of nanoseconds is shown. */
    enum Unit {
        /** Microseconds: one decimal below 10 µs, whole above. */
        MICROS {
            @Override
            String format(long nanos) {
                double micros = nanos / 1e3;
                return micros < 10 ? String.format(Locale.ROOT, "%.1f", micros) : String.format(Locale.ROOT, "%d",
                        Math.round(micros));
            }
        },
        /** Milliseconds with one decimal. */
        MILLIS {
            @Override
            String format(long nanos) {
                return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
            }
        };

        abstract String format(long nanos);
    }
}
