package dev.hotswap.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files {@link DatabaseModelTest} pushes, each made once per run with SQLite and then pushed from
 * memory by every sequence that needs it: version {@code n} of {@link EngineFixture#SCHEMA}, and the
 * files the checks refuse.
 */
final class PushedFiles {
    private static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();

    private PushedFiles() {
    }

    /** A valid file whose meta.version is {@code version}, with two items and an empty log. */
    static byte[] version(int version) throws IOException {
        return made("v" + version, fixture -> fixture.versioned("v.sqlite3", false, version, 2));
    }

    /** A file the checks refuse for {@code refusal}. */
    static byte[] refused(DatabaseOp.Refusal refusal) throws IOException {
        return switch (refusal) {
            case NOT_A_DATABASE -> "this is no SQLite database\n".repeat(200).getBytes(StandardCharsets.UTF_8);
            case TRUNCATED -> {
                byte[] whole = made("v9999", fixture -> fixture.versioned("v.sqlite3", false, 9999, 200));
                yield Arrays.copyOf(whole, whole.length / 2);
            }
            case OTHER_SCHEMA -> made("other", fixture -> fixture.database("other.sqlite3", false,
                    "CREATE TABLE meta (version INTEGER NOT NULL, extra TEXT)", "INSERT INTO meta VALUES (7777, 'x')"));
        };
    }

    private static byte[] made(String key, Maker maker) throws IOException {
        byte[] bytes = FILES.get(key);
        if (bytes == null) {
            try (EngineFixture fixture = new EngineFixture()) {
                bytes = Files.readAllBytes(maker.make(fixture));
            } catch (SQLException e) {
                throw new IOException("making the file " + key + " failed", e);
            }
            FILES.putIfAbsent(key, bytes);
        }
        return bytes;
    }

    @FunctionalInterface
    private interface Maker {
        Path make(EngineFixture fixture) throws SQLException;
    }
}
