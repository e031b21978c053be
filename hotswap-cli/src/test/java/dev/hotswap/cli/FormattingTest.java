package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void durationsAndPauses() {
        assertEquals("0.42 s", Quantities.duration(420_000_000L));
        assertEquals("12.5 s", Quantities.duration(12_500_000_000L));
        assertEquals("2:05", Quantities.duration(125_000_000_000L));
        assertEquals("0.85 ms", Quantities.micros(850));
        assertEquals("12.3 ms", Quantities.micros(12_300));
        assertEquals("1.50 s", Quantities.micros(1_500_000));
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
    void lsTableAlignsTheServersColumns() {
        String server = "production\t/app/db/production.sqlite3\t13107200\t4096\twal\t2025-01-02T03:04:05Z\t850\n"
                + "cache\t/app/db/cache.sqlite3\t4096\t4096\tdelete\t-\t-\n";
        assertEquals(""
                + "NAME        PATH                        SIZE      PAGE  JOURNAL  SWAPPED               PAUSE\n"
                + "production  /app/db/production.sqlite3  12.5 MiB  4096  wal      2025-01-02T03:04:05Z  0.85 ms\n"
                + "cache       /app/db/cache.sqlite3       4.0 KiB   4096  delete   -                     -\n",
                LsCommand.table(server));
    }

    @Test
    void lsTableToleratesMissingAndExtraFields() {
        assertEquals("NAME  PATH  SIZE  PAGE  JOURNAL  SWAPPED  PAUSE\n"
                + "a     /a    -     -     -        -        -\n", LsCommand.table("a\t/a\n"));
        assertEquals("NAME  PATH  SIZE    PAGE  JOURNAL  SWAPPED  PAUSE\n"
                + "a     /a    1 byte  1     wal      -        -\n", LsCommand.table("a\t/a\t1\t1\twal\t-\t-\tfuture\n"));
    }
}
