package dev.hotswap.demo.quarkus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/** The demo's one table (as hotswap-demo's Items, as a bean), {@code items(id INTEGER PRIMARY KEY, name TEXT)}, read and written through a DataSource. */
@Singleton
public class Items {
    static final String SCHEMA = "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)";

    private final DataSource dataSource;

    Items(DataSource dataSource) { // the extension's: the one database is the default DataSource
        this.dataSource = dataSource;
    }

    /** Every name, ordered by id. */
    List<String> names() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name FROM items ORDER BY id")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    /** Inserts a row named {@code name}. */
    void add(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO items(name) VALUES (?)")) {
            insert.setString(1, name);
            insert.executeUpdate();
        }
    }

    /** The names as a JSON array of strings. */
    static String json(List<String> names) {
        StringBuilder json = new StringBuilder("[");
        for (String name : names) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"');
            name.codePoints().forEach(c -> {
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            json.append(String.format("\\u%04x", c));
                        } else {
                            json.appendCodePoint(c);
                        }
                    }
                }
            });
            json.append('"');
        }
        return json.append(']').toString();
    }
}
