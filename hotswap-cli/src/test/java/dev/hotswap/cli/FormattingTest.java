package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotswap.protocol.Listing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sizes, rates, durations, the progress line and the ls table. */
class FormattingTest {
    @Test
    void bytesUseBinaryUnits() {
        assertEquals("0 bytes", Quantities.bytes(0));
        assertEquals("1 byte", Quantities.bytes(1));
        assertEquals("1023 bytes", Quantities.bytes(1023));
        assertEquals("1.0 KiB", Quantities.bytes(1024));
        assertEquals("12.3 MiB", Quantities.bytes(12_900_000));
        assertEquals("2.0 GiB", Quantities.bytes(2L << 30));
    }

    @Test
    void durations() {
        assertEquals("0.42 s", Quantities.duration(420_000_000L));
        assertEquals("12.5 s", Quantities.duration(12_500_000_000L));
        assertEquals("2:05", Quantities.duration(125_000_000_000L));
    }

    @Test
    void tableQuantitiesHaveNoBlanks() {
        assertEquals("0B", Quantities.compactBytes(0));
        assertEquals("1023B", Quantities.compactBytes(1023));
        assertEquals("4.0KiB", Quantities.compactBytes(4096));
        assertEquals("12.3MiB", Quantities.compactBytes(12_900_000));
        assertEquals("0µs", Quantities.compactMicros(0));
        assertEquals("85µs", Quantities.compactMicros(85));
        assertEquals("1.25ms", Quantities.compactMicros(1_250));
        assertEquals("12.3ms", Quantities.compactMicros(12_300));
        assertEquals("1.50s", Quantities.compactMicros(1_500_000));
    }

    @Test
    void progressLineShowsPhaseBytesShareRateAndTime() {
        assertEquals("upload  50.0 MiB of 100.0 MiB  50%  25.0 MiB/s  2.00 s",
                Reporter.render("upload", 50L << 20, 100L << 20, 2_000_000_000L));
        assertEquals("snapshot  1.0 MiB  1.0 MiB/s  1.00 s",
                Reporter.render("snapshot", 1L << 20, -1, 1_000_000_000L));
        assertEquals("integrity check  2.31 s", Reporter.renderPhase("integrity check", 2_310_000_000L));
    }

    @Test
    void lsTableShowsEveryGenerationWithItsFileLast() {
        List<Listing.Row> rows = List.of(
                new Listing.Row("production", 42, Listing.State.CURRENT, "2026-11-29T20:06:42.123456Z", 13_107_200,
                        4096, "wal", 85, 3, null, "/app/db/production.sqlite3"),
                new Listing.Row("production", 41, Listing.State.KEPT, "2026-11-28T09:00:00Z", 12_000_000, 4096, "wal",
                        -1, 0, "r-7", "/app/db/.hotswap/production.sqlite3/000041.sqlite3"),
                new Listing.Row("cache", 1, Listing.State.CURRENT, "2026-11-29T20:00:00Z", 4096, 1024, "delete", -1, 0,
                        null, "/app/db/cache.sqlite3"));
        assertEquals(""
                + "NAME        GEN  STATE    SINCE                 SIZE     PAGE  JOURNAL  PAUSE  REQUESTS  ROLLOUT  PATH\n"
                + "production  42   current  2026-11-29T20:06:42Z  12.5MiB  4096  wal      85µs   3         -        "
                + "/app/db/production.sqlite3\n"
                + "production  41   kept     2026-11-28T09:00:00Z  11.4MiB  4096  wal      -      0         r-7      "
                + "/app/db/.hotswap/production.sqlite3/000041.sqlite3\n"
                + "cache       1    current  2026-11-29T20:00:00Z  4.0KiB   1024  delete   -      0         -        "
                + "/app/db/cache.sqlite3\n",
                LsCommand.table(rows));
    }

    @Test
    void lsTableFieldsSplitOnBlanksWithThePathLast() {
        String table = LsCommand.table(List.of(new Listing.Row("production", 2, Listing.State.RETIRING, null, -1, -1,
                null, -1, 1, null, "/srv/my app/db/.hotswap/production.sqlite3/000002.sqlite3")));
        String[] fields = table.split("\n")[1].split(" +", 11);
        assertEquals(List.of("production", "2", "retiring", "-", "-", "-", "-", "-", "1", "-",
                "/srv/my app/db/.hotswap/production.sqlite3/000002.sqlite3"), List.of(fields));
    }
}
