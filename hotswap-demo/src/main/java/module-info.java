/**
 * The hotswap demo: a small items API ({@code GET /health}, {@code GET /items},
 * {@code POST /items}) on Jetty 12, Undertow, Tomcat 11, Spring Boot 4 (hotswap-demo-spring) or
 * Micronaut 4 (hotswap-demo-micronaut), reading and writing SQLite through the engine's DataSource
 * behind the adapter's request gate, as a real host app would; with {@code --background-writer}, also
 * a scheduled job writing through the same DataSource outside any request. The table and the job are
 * hotswap-demo-core's, shared with the framework demos; {@code --server quarkus} is the Quarkus
 * application of hotswap-demo-quarkus, which {@code bin/hotswap-demo} runs in a JVM of its own.
 *
 * <p>Entry point: {@link dev.hotswap.demo.DemoApp}, launched by {@code bin/hotswap-demo}:
 * <pre>{@code
 * bin/hotswap-demo --server undertow --port 8080 --db db/production.sqlite3 --background-writer
 * bin/hotswap-demo --tour        # the whole story end to end, with the jlink CLI
 * bin/hotswap-demo --fleet-endpoint http://127.0.0.1:9000 --fleet-bucket hotswap --fleet-node web-1
 * }</pre>
 */
module dev.hotswap.demo {
    requires dev.hotswap.engine;
    requires dev.hotswap.demo.core;
    requires dev.hotswap.fleet;
    requires dev.hotswap.jetty;
    requires dev.hotswap.undertow;
    requires dev.hotswap.servlet;
    requires dev.hotswap.demo.spring;
    requires dev.hotswap.demo.micronaut;
    requires org.eclipse.jetty.server;
    requires undertow.core;
    requires org.apache.tomcat.embed.core;
    requires info.picocli;
    requires java.net.http;
    requires java.logging;

    opens dev.hotswap.demo to info.picocli;
}
