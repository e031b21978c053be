package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The schema comparison: what counts, how it is normalized, how it is printed. */
class SchemaDiffTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @Test
    void readsEveryKindSortedByTypeAndNameWithoutInternalObjects() throws Exception {
        Path file = fixture.database("db.sqlite3", false,
                "CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT UNIQUE)",
                "CREATE TABLE a (y)",
                "CREATE INDEX a_y ON a (y)",
                "CREATE VIEW v AS SELECT * FROM a",
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; END",
                "ANALYZE");
        assertEquals(List.of(
                "CREATE INDEX a_y ON a (y)",
                "CREATE TABLE a (y)",
                "CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT UNIQUE)",
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; END",
                "CREATE VIEW v AS SELECT * FROM a"), SchemaDiff.read(file, true));
    }

    @Test
    void normalizesWhitespaceOutsideQuotesOnly() {
        assertEquals("CREATE TABLE t ( a TEXT DEFAULT 'two  spaces', \"odd  name\" INT, [x  y] INT )",
                SchemaDiff.normalize("  CREATE   TABLE t (\n  a TEXT DEFAULT 'two  spaces',\n\t\"odd  name\"   INT,\n [x  y] INT\n)  "));
        assertEquals("CREATE TABLE t (a TEXT DEFAULT 'it''s  ok')", SchemaDiff.normalize("CREATE TABLE t (a TEXT DEFAULT 'it''s  ok')"));
    }

    @Test
    void equalSchemasHaveNoMismatch() {
        assertNull(SchemaDiff.mismatch(List.of("CREATE TABLE a (x)"), List.of("CREATE TABLE a (x)")));
    }

    @Test
    void mismatchListsRemovedThenAddedLines() {
        assertEquals("ERROR: schema mismatch\n- CREATE TABLE a (x)\n- CREATE TABLE gone (x)\n+ CREATE TABLE a (x, y)",
                SchemaDiff.mismatch(List.of("CREATE TABLE a (x)", "CREATE TABLE gone (x)"),
                        List.of("CREATE TABLE a (x, y)")));
    }
}
