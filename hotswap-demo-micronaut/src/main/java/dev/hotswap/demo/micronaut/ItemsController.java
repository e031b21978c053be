package dev.hotswap.demo.micronaut;

import dev.hotswap.demo.core.Items;
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
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * GET /health, GET /items, POST /items, on the managed database's {@code DataSource} bean, the
 * queries on Micronaut's blocking executor, off the event loop. The table is every demo's
 * {@link Items}; the JSON is Micronaut Serialization's.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class ItemsController {
    private final Items items;

    /** The one managed database's {@code DataSource} bean (the demo manages one). */
    ItemsController(DataSource dataSource) {
        this.items = new Items(dataSource);
    }

    @Get("/health")
    @Produces(MediaType.TEXT_PLAIN)
    String health() {
        return "ok";
    }

    /** Every name, ordered by id, as a JSON array. */
    @Get("/items")
    List<String> items() throws SQLException {
        return items.names();
    }

    /** Inserts a row named by the request body. */
    @Post(value = "/items", consumes = MediaType.ALL)
    @Produces(MediaType.TEXT_PLAIN)
    @Status(HttpStatus.CREATED)
    String add(@Body String name) throws SQLException {
        items.add(name);
        return "created";
    }
}
