package dev.hotswap.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Leaves a real hot journal beside a rollback-journal database: a child JVM (sqlite-jdbc on its
 * class path) begins a transaction that rewrites every row with a cache of a few pages, so SQLite
 * spills changed pages into the file itself and keeps their originals in the {@code -journal}; once
 * it says so, it is killed with SIGKILL mid-transaction. The file then holds uncommitted pages, and
 * only SQLite, opening it with its journal, reads the committed rows.
 */
final class CrashedWriter {
    private static final String SPILLED = "spilled";

    private CrashedWriter() {
    }

    /** The child: {@code CrashedWriter DATABASE} rewrites the column {@code title} of {@code posts}, then waits. */
    public static void main(String[] args) throws SQLException, InterruptedException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA cache_size = 4"); // pages: the update must spill into the file
            connection.setAutoCommit(false);
            statement.executeUpdate("UPDATE posts SET title = 'uncommitted ' || id");
            System.out.println(SPILLED);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(1)); // killed long before
        }
    }

    /**
     * Runs the child on {@code database} and kills it with SIGKILL once its transaction has spilled
     * into the file.
     */
    static void crashMidTransaction(Path database) throws IOException, InterruptedException, SQLException {
        String classPath = location(CrashedWriter.class) + java.io.File.pathSeparator
                + location(DriverManager.getDriver("jdbc:sqlite:").getClass());
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, CrashedWriter.class.getName(), database.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = said.readLine(); // bounded by the calling test's timeout
            if (!SPILLED.equals(line)) {
                throw new IllegalStateException("the writer did not spill its transaction: " + line);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no rollback, no journal deleted
        }
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the writer did not die within 10 s of SIGKILL");
        }
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
