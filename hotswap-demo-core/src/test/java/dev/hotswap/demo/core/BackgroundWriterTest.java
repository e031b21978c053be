package dev.hotswap.demo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackgroundWriterTest {
    private static final Pattern SUMMARY = Pattern.compile("background writer: (\\d+) rows written, (\\d+) failed");

    @TempDir
    Path dir;

    @Test
    void writesNumberedRowsUntilClosedAndCountsThemInItsSummary() throws Exception {
        Path db = dir.resolve("production.sqlite3");
        Items.create(db, List.of("apple"));
        Items items = new Items(ItemsTest.dataSource(db));

        BackgroundWriter writer = BackgroundWriter.start(items);
        await("three rows from the writer", () -> names(items).size() >= 4);
        writer.close();

        long[] counts = counts(writer.summary());
        List<String> expected = LongStream.rangeClosed(1, counts[0]).mapToObj(n -> "bg-" + n).toList();
        assertEquals(0, counts[1], writer.summary());
        assertEquals(expected, names(items).subList(1, names(items).size()), "one row per insert, numbered in order");
        assertEquals(1 + counts[0], names(items).size(), "no insert after close");
    }

    @Test
    void countsAFailedInsertAndKeepsWritingOnceTheTableIsBack() throws Exception {
        SQLiteDataSource dataSource = ItemsTest.dataSource(dir.resolve("no-table.sqlite3"));
        Items items = new Items(dataSource);

        try (BackgroundWriter writer = BackgroundWriter.start(items)) {
            await("a failed insert (no items table)", () -> counts(writer.summary())[1] > 0);
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate(Items.SCHEMA);
            }
            await("an insert after the failures", () -> counts(writer.summary())[0] > 0);
        }
        assertTrue(names(items).stream().allMatch(name -> name.startsWith("bg-")), names(items).toString());
    }

    private static long[] counts(String summary) {
        Matcher matcher = SUMMARY.matcher(summary);
        assertTrue(matcher.matches(), summary);
        return new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
    }

    private static List<String> names(Items items) {
        try {
            return items.names();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} every 10 ms for at most 30 s. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("waited 30 s for " + what);
            }
            Thread.sleep(10);
        }
    }
}
