package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The schema step's migration rule: Flyway's and Liquibase's history name the latest migration of the
 * pushed and the live database, and a pushed file built by older code is refused unless the schema
 * check is skipped.
 */
@Timeout(30)
class MigrationHistoryTest {
    private static final String FLYWAY = "CREATE TABLE \"flyway_schema_history\" (\"installed_rank\" INT NOT NULL PRIMARY KEY,"
            + " \"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"success\" BOOLEAN NOT NULL)";
    private static final String LIQUIBASE = "CREATE TABLE DATABASECHANGELOG (ID VARCHAR(255) NOT NULL,"
            + " AUTHOR VARCHAR(255) NOT NULL, FILENAME VARCHAR(255) NOT NULL, DATEEXECUTED TEXT NOT NULL,"
            + " ORDEREXECUTED INT NOT NULL)";
    private static final String ITEMS = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)";

    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    /** A database whose Flyway history ran {@code versions} successfully, plus a repeatable and a failed 99. */
    private Path flyway(String name, String... versions) throws Exception {
        List<String> sql = new ArrayList<>(List.of(ITEMS, FLYWAY));
        int rank = 1;
        for (String version : versions) {
            sql.add("INSERT INTO flyway_schema_history VALUES (" + rank++ + ", '" + version + "', 'step " + version
                    + "', 1)");
        }
        sql.add("INSERT INTO flyway_schema_history VALUES (" + rank++ + ", NULL, 'views', 1)");
        sql.add("INSERT INTO flyway_schema_history VALUES (" + rank + ", '99', 'failed', 0)");
        return fixture.database(name, false, sql.toArray(String[]::new));
    }

    /** A database whose Liquibase changelog ran {@code ids} in order, by ann in db/changelog.xml. */
    private Path liquibase(String name, String... ids) throws Exception {
        List<String> sql = new ArrayList<>(List.of(ITEMS, LIQUIBASE));
        int order = 1;
        for (String id : ids) {
            sql.add("INSERT INTO DATABASECHANGELOG VALUES ('" + id + "', 'ann', 'db/changelog.xml', '2026-12-0"
                    + order + "', " + order++ + ")");
        }
        return fixture.database(name, false, sql.toArray(String[]::new));
    }

    private static InputStream content(Path file) throws IOException {
        return new ByteArrayInputStream(Files.readAllBytes(file));
    }

    @Test
    void pushBuiltByOlderFlywayMigrationsIsRefusedUnlessTheSchemaCheckIsSkipped() throws Exception {
        Path live = flyway("production.sqlite3", "1", "1.1", "2");
        Path stale = flyway("stale.sqlite3", "1", "1.1");
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(stale), PushOptions.defaults()));
            assertEquals(SwapRefusedException.Reason.SCHEMA, refused.reason());
            assertEquals("ERROR: the new database was built by older code: its latest Flyway migration is 1.1"
                    + " (step 1.1), the live database's is 2 (step 2) (--skip-schema-check pushes it anyway)",
                    refused.getMessage());
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"));
            assertEquals(2, hotswap.push("production", content(stale), new PushOptions(false, true)).toGeneration());
        }
    }

    @Test
    void flywayLineNamesBothLatestMigrationsAndANewerOnePasses() throws Exception {
        Path live = flyway("production.sqlite3", "1", "2");
        Path same = flyway("same.sqlite3", "1", "2");
        Path newer = flyway("newer.sqlite3", "1", "2", "10");
        assertEquals("latest Flyway migration: new 2 (step 2), live 2 (step 2)", MigrationHistory.compare(live, same));
        assertEquals("latest Flyway migration: new 10 (step 10), live 2 (step 2)", MigrationHistory.compare(live, newer));
        // 10 after 9, numerically; the failed 99 and the repeatable count for nothing
        assertThrows(SwapRefusedException.class,
                () -> MigrationHistory.compare(newer, flyway("nine.sqlite3", "1", "2", "9")));
    }

    @Test
    void liquibaseCandidateThatStopsAtAnEarlierChangesetIsRefused() throws Exception {
        Path live = liquibase("production.sqlite3", "1", "2", "3");
        SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                () -> MigrationHistory.compare(live, liquibase("stale.sqlite3", "1", "2")));
        assertEquals("ERROR: the new database was built by older code: its latest Liquibase migration is changeset 2"
                + " by ann in db/changelog.xml, the live database's is changeset 3 by ann in db/changelog.xml"
                + " (--skip-schema-check pushes it anyway)", refused.getMessage());
        assertEquals("latest Liquibase migration: new changeset 4 by ann in db/changelog.xml, live changeset 3 by ann"
                + " in db/changelog.xml", MigrationHistory.compare(live, liquibase("newer.sqlite3", "1", "2", "3", "4")));
        // a changeset the live database never ran is not older: another branch, left to the schema diff
        assertEquals("latest Liquibase migration: new changeset 3b by ann in db/changelog.xml, live changeset 3 by ann"
                + " in db/changelog.xml", MigrationHistory.compare(live, liquibase("branch.sqlite3", "1", "2", "3b")));
    }

    @Test
    void databaseWithoutMigrationHistoryHasNoLine() throws Exception {
        Path live = fixture.database("production.sqlite3", false, ITEMS);
        assertNull(MigrationHistory.compare(live, fixture.database("new.sqlite3", false, ITEMS)));
    }

    @Test
    void flywayVersionsOrderAsNumbersPartByPart() {
        qt().withExamples(300).forAll(lists().of(integers().between(0, 30)).ofSizeBetween(1, 4),
                lists().of(integers().between(0, 30)).ofSizeBetween(1, 4)).checkAssert((a, b) -> {
                    int expected = 0;
                    for (int i = 0; i < Math.max(a.size(), b.size()) && expected == 0; i++) {
                        expected = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
                    }
                    String left = a.stream().map(String::valueOf).collect(Collectors.joining("."));
                    String right = b.stream().map(String::valueOf).collect(Collectors.joining("_"));
                    assertEquals(expected, Integer.signum(MigrationHistory.compareVersions(left, right)),
                            left + " vs " + right);
                    assertEquals(-expected, Integer.signum(MigrationHistory.compareVersions(right, left)));
                });
    }
}
