package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema step names the latest Flyway migration of the pushed and the live database, and refuses
 * the stale artifact (built by older code) with exit 1 unless {@code --skip-schema-check}: through the
 * real command and a real engine.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MigrationsTest {
    @TempDir
    Path dir;

    private EngineServer server;

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start();
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    private CommandRun cli() {
        return CommandRun.in(dir).socket(server.socket);
    }

    /** The live schema plus Flyway's history of {@code versions}, at meta version {@code version}. */
    private void flyway(String name, int version, String... versions) throws Exception {
        List<String> sql = new ArrayList<>(List.of(EngineServer.SCHEMA));
        sql.add("CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50),"
                + " description VARCHAR(200) NOT NULL, success BOOLEAN NOT NULL)");
        sql.add("INSERT INTO meta VALUES (" + version + ")");
        for (int i = 0; i < versions.length; i++) {
            sql.add("INSERT INTO flyway_schema_history VALUES (" + (i + 1) + ", '" + versions[i] + "', 'v"
                    + versions[i] + "', 1)");
        }
        EngineServer.run(dir.resolve(name), sql.toArray(String[]::new));
    }

    @Test
    void staleArtifactIsRefusedWithBothMigrationsNamedAndSkipSchemaCheckPushesIt() throws Exception {
        flyway("first.sqlite3", 2, "1", "2", "3");
        flyway("same.sqlite3", 3, "1", "2", "3");
        flyway("stale.sqlite3", 4, "1", "2");
        // the live database gains Flyway's history (a new table: the schema check is skipped once)
        assertEquals(0, cli().run("cp", "first.sqlite3", "production", "--skip-schema-check").code());

        CommandRun.Result same = cli().run("cp", "same.sqlite3", "production");
        assertEquals(0, same.code(), same::toString);
        assertTrue(same.stderr().matches("(?s).*\nschema check \\d+ ms\nlatest Flyway migration: new 3 \\(v3\\),"
                + " live 3 \\(v3\\)\n.*"), same::toString);

        CommandRun.Result stale = cli().run("cp", "stale.sqlite3", "production");
        assertEquals(1, stale.code(), stale::toString);
        assertTrue(stale.stderr().endsWith("ERROR: the new database was built by older code: its latest Flyway"
                + " migration is 2 (v2), the live database's is 3 (v3) (--skip-schema-check pushes it anyway)\n"),
                stale::toString);
        assertEquals(3, server.liveVersion());

        CommandRun.Result skipped = cli().run("cp", "stale.sqlite3", "production", "--skip-schema-check");
        assertEquals(0, skipped.code(), skipped::toString);
        assertEquals(4, server.liveVersion());
    }
}
