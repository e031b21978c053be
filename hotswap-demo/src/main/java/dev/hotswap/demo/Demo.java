package dev.hotswap.demo;

import dev.hotswap.engine.Hotswap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The demo app assembled: the engine managing one database, and an HTTP server in front of it. */
final class Demo implements AutoCloseable {
    private final Hotswap hotswap;
    private final DemoServer server;

    private Demo(Hotswap hotswap, DemoServer server) {
        this.hotswap = hotswap;
        this.server = server;
    }

    /** Starts the engine (admin socket included), then the server; creates {@code db} if absent. */
    static Demo start(String serverKind, int port, Path db, Path socket, GateMode gate) throws Exception {
        if (!Files.exists(db)) {
            create(db, List.of("apple", "banana", "cherry"));
        }
        Hotswap hotswap = Hotswap.builder().database(databaseName(db), db).socket(socket).build().start();
        try {
            Items items = new Items(hotswap.dataSource(databaseName(db)));
            DemoServer server = switch (serverKind) {
                case "jetty" -> new JettyDemo(hotswap, items, port, gate);
                case "undertow" -> new UndertowDemo(hotswap, items, port, gate);
                case "tomcat" -> new TomcatDemo(hotswap, items, port, gate);
                default -> throw new IllegalArgumentException("unknown server " + serverKind);
            };
            return new Demo(hotswap, server);
        } catch (Exception e) {
            hotswap.close();
            throw e;
        }
    }

    /** The managed database's name: the file name up to its first dot ({@code production.sqlite3}: production). */
    static String databaseName(Path db) {
        String file = db.getFileName().toString();
        int dot = file.indexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /**
     * Writes a new demo database at {@code db} holding {@code names}, in order, in WAL mode: what a
     * web app with concurrent readers and writers runs (the engine keeps the live mode on a swap).
     */
    static void create(Path db, List<String> names) throws IOException, SQLException {
        Path parent = db.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.executeUpdate(Items.SCHEMA);
            connection.setAutoCommit(false);
            try (var insert = connection.prepareStatement("INSERT INTO items(name) VALUES (?)")) {
                for (String name : names) {
                    insert.setString(1, name);
                    insert.executeUpdate();
                }
            }
            connection.commit();
        }
    }

    int port() {
        return server.port();
    }

    Hotswap hotswap() {
        return hotswap;
    }

    /** Stops the server first (no request left), then the engine (socket file removed). */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            hotswap.close();
        }
    }
}
