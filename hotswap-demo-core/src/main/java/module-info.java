/**
 * What every hotswap demo shares, whichever server or framework serves it: the {@code items} table
 * and its JSON ({@link dev.hotswap.demo.core.Items}), the app's own background job
 * ({@link dev.hotswap.demo.core.BackgroundWriter}), and what the framework demos start from
 * ({@link dev.hotswap.demo.core.DemoSettings}, {@link dev.hotswap.demo.core.EngineRefusal}). Plain
 * Java on {@code java.sql}, no framework and no hotswap dependency, so that the demos on Jetty,
 * Undertow, Tomcat (hotswap-demo), Spring Boot, Quarkus and Micronaut serve the same API from one copy.
 *
 * <p>Entry point: {@link dev.hotswap.demo.core.Items} over a {@code DataSource}:
 * <pre>{@code
 * Items items = new Items(hotswap.dataSource("production"));
 * items.seedIfEmpty();                          // a new, empty database gets the table and sample rows
 * String body = Items.json(items.names());      // GET /items
 * try (BackgroundWriter writer = BackgroundWriter.start(items)) { ... }
 * }</pre>
 */
module dev.hotswap.demo.core {
    requires transitive java.sql;

    exports dev.hotswap.demo.core;
}
