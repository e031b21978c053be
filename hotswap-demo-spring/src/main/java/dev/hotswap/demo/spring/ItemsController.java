package dev.hotswap.demo.spring;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** GET /health, GET /items, POST /items, through Boot's {@code JdbcTemplate} on the managed database. */
@RestController
class ItemsController {
    private final JdbcTemplate jdbc;

    ItemsController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping(path = "/health", produces = MediaType.TEXT_PLAIN_VALUE)
    String health() {
        return "ok";
    }

    /** Every name, ordered by id, as a JSON array. */
    @GetMapping("/items")
    List<String> items() {
        return jdbc.queryForList("SELECT name FROM items ORDER BY id", String.class);
    }

    /** Inserts a row named by the request body. */
    @PostMapping(path = "/items", produces = MediaType.TEXT_PLAIN_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    String add(@RequestBody String name) {
        jdbc.update("INSERT INTO items(name) VALUES (?)", name);
        return "created";
    }
}
