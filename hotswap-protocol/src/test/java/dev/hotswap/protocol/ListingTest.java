package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code ls} rows on the wire, as docs/protocol.md specifies them. */
class ListingTest {
    private static final Listing.Row CURRENT = new Listing.Row("production", 42, Listing.State.CURRENT,
            "2026-11-29T20:06:42.123Z", 5_153_792, 4096, "wal", 14, 3, null, "/app/db/production.sqlite3");
    private static final Listing.Row KEPT = new Listing.Row("production", 41, Listing.State.KEPT,
            "2026-11-29T19:58:10Z", 5_148_672, 4096, "wal", -1, 0, "r-7",
            "/app/db/.hotswap/production.sqlite3/000041.sqlite3");

    @Test
    void rowsAreTabSeparatedLinesWithUnknownValuesAsDashes() {
        assertEquals("production\t42\tcurrent\t2026-11-29T20:06:42.123Z\t5153792\t4096\twal\t14\t3\t-\t"
                + "/app/db/production.sqlite3\n"
                + "production\t41\tkept\t2026-11-29T19:58:10Z\t5148672\t4096\twal\t-\t0\tr-7\t"
                + "/app/db/.hotswap/production.sqlite3/000041.sqlite3\n", Listing.format(List.of(CURRENT, KEPT)));
    }

    @Test
    void parseReadsWhatFormatWrites() throws ProtocolException {
        Listing.Row unknowns = new Listing.Row("cache", 1, Listing.State.RETIRING, null, -1, -1, null, -1, 0, null,
                "/app/db/my cache.sqlite3");
        List<Listing.Row> rows = List.of(CURRENT, KEPT, unknowns);
        assertEquals(rows, Listing.parse(Listing.format(rows)));
        assertEquals(List.of(), Listing.parse(""));
    }

    @Test
    void parseIgnoresFieldsPastTheEleventh() throws ProtocolException {
        String line = Listing.format(List.of(CURRENT)).replace("\n", "\tnext-year's field\n");
        assertEquals(List.of(CURRENT), Listing.parse(line));
    }

    @Test
    void parseRefusesShortLinesAndBadNumbersNamingTheLine() {
        ProtocolException old = assertThrows(ProtocolException.class,
                () -> Listing.parse("production\t/app/db/production.sqlite3\t4096\t4096\twal\t-\t-\n"));
        assertEquals("malformed ls line (7 fields, 11 expected): production\t/app/db/production.sqlite3\t4096\t4096"
                + "\twal\t-\t-", old.getMessage());
        assertThrows(ProtocolException.class,
                () -> Listing.parse("p\tx\tcurrent\t-\t-\t-\t-\t-\t0\t-\t/p\n"));
        assertThrows(ProtocolException.class,
                () -> Listing.parse("p\t1\tgone\t-\t-\t-\t-\t-\t0\t-\t/p\n"));
    }

    @Test
    void rowsRefuseTabsAndNewlinesInTheirFields() {
        assertThrows(IllegalArgumentException.class, () -> new Listing.Row("production", 1, Listing.State.CURRENT,
                null, 1, 1, null, -1, 0, null, "/app/db/a\tb.sqlite3"));
        assertThrows(IllegalArgumentException.class, () -> new Listing.Row("production", 1, Listing.State.CURRENT,
                null, 1, 1, null, -1, 0, "r\n1", "/app/db/a.sqlite3"));
    }
}
