package dev.hotswap.demo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class ItemsTest {
    @TempDir
    Path dir;

    @Test
    void seedsADatabaseWithoutTheTableOnceThenLeavesItsRowsAlone() throws Exception {
        Items items = new Items(dataSource(dir.resolve("empty.sqlite3")));

        assertTrue(items.seedIfEmpty(), "an empty database gets the table");
        assertEquals(Items.SAMPLE, items.names());
        items.add("durian");
        assertFalse(items.seedIfEmpty(), "a database with the table is left alone");

        List<String> expected = new ArrayList<>(Items.SAMPLE);
        expected.add("durian");
        assertEquals(expected, items.names());
    }

    @Test
    void createWritesTheNamesInOrderInWalModeWithItsFolders() throws Exception {
        Path db = dir.resolve("a/b/production.sqlite3");

        Items.create(db, List.of("v2-b", "v2-a", "v2-b"));

        assertTrue(Files.isRegularFile(db));
        SQLiteDataSource dataSource = dataSource(db);
        assertEquals(List.of("v2-b", "v2-a", "v2-b"), new Items(dataSource).names());
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            assertTrue(mode.next());
            assertEquals("wal", mode.getString(1));
        }
    }

    @Test
    void addStoresAnyNameAsGiven() throws Exception {
        Path db = dir.resolve("names.sqlite3");
        Items.create(db, List.of());
        Items items = new Items(dataSource(db));

        items.add("it's \"quoted\"; DROP TABLE items; --");
        items.add("");

        assertEquals(List.of("it's \"quoted\"; DROP TABLE items; --", ""), items.names());
    }

    @Test
    void jsonEscapesQuotesBackslashesAndControlCharactersAndKeepsOtherCharacters() {
        String json = Items.json(List.of("a\"b", "c\\d", "e\nf\rg\th", "\u0001\u001f", "é 😀 \u007f"));

        assertEquals("[\"a\\\"b\",\"c\\\\d\",\"e\\nf\\rg\\th\",\"\\u0001\\u001f\",\"é 😀 \u007f\"]", json);
    }

    @Test
    void jsonOfNoNamesIsAnEmptyArray() {
        assertEquals("[]", Items.json(List.of()));
        assertEquals("[\"\"]", Items.json(List.of("")));
    }

    static SQLiteDataSource dataSource(Path db) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + db);
        // The background writer's tests write from two threads at once.
        dataSource.setBusyTimeout(10_000);
        return dataSource;
    }
}
