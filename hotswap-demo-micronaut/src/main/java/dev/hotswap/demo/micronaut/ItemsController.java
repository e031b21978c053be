package dev.hotswap.demo.micronaut;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * GET /health, GET /items, POST /items, on the managed database's {@code DataSource} bean, the
 * queries on Micronaut's blocking executor, off the event loop.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class ItemsController {
    private final DataSource items;

    /** The one managed database's {@code DataSource} bean (the demo manages one). */
    ItemsController(DataSource items) {
        this.items = items;
    }

    @Get("/health")
    @Produces(MediaType.TEXT_PLAIN)
    String health() {
        return "ok";
    }

    /** Every name, ordered by id, as a JSON array. */
    @Get("/items")
    List<String> items() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = items.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT name FROM items ORDER BY id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    /** Inserts a row named by the request body. */
    @Post(value = "/items", consumes = MediaType.ALL)
    @Produces(MediaType.TEXT_PLAIN)
    @Status(HttpStatus.CREATED)
    String add(@Body String name) throws SQLException {
        try (Connection connection = items.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO items(name) VALUES (?)")) {
            insert.setString(1, name);
            insert.executeUpdate();
        }
        return "created";
    }
}
