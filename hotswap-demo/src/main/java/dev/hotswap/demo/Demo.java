package dev.hotswap.demo;

import dev.hotswap.demo.core.BackgroundWriter;
import dev.hotswap.demo.core.DemoSettings;
import dev.hotswap.demo.core.Items;
import dev.hotswap.demo.micronaut.MicronautDemo;
import dev.hotswap.demo.spring.SpringDemo;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import dev.hotswap.fleet.FleetConfig;
import dev.hotswap.fleet.HotswapFleet;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * The demo app assembled: the engine managing one database, an HTTP server in front of it, and,
 * if asked, a background job writing through the engine as well.
 */
final class Demo implements AutoCloseable {
    private final Hotswap hotswap;
    private final DemoServer server;
    private final BackgroundWriter writer;
    /** What closes the engine: the engine itself, or the Spring or Micronaut application that made it. */
    private final AutoCloseable engine;

    /**
     * How to run the demo.
     *
     * @param server {@code jetty}, {@code undertow}, {@code tomcat}, {@code spring} or {@code micronaut}
     * @param port the HTTP port on 127.0.0.1, 0 for any free one
     * @param db the live path of the database
     * @param socket the admin socket
     * @param gate how requests are guarded
     * @param keep how many earlier generations the engine keeps for rollback
     * @param backgroundWriter whether the {@link BackgroundWriter} runs
     * @param fleet the fleet the engine joins, or null
     */
    record Config(String server, int port, Path db, Path socket, GateMode gate, int keep, boolean backgroundWriter,
            FleetConfig fleet) {
    }

    private Demo(Hotswap hotswap, DemoServer server, BackgroundWriter writer, AutoCloseable engine) {
        this.hotswap = hotswap;
        this.server = server;
        this.writer = writer;
        this.engine = engine;
    }

    /**
     * Starts the engine (admin socket included), then the server, then the background writer if
     * configured. Creates the database with sample rows only if nothing at all is at its path: a
     * dangling symbolic link is the engine's to refuse, not ours to fill.
     *
     * @throws IOException if the engine cannot start (a dangling link, another engine on the file, a
     *     fleet that refuses the credentials)
     */
    static Demo start(Config config) throws Exception {
        boolean missing = !Files.exists(config.db(), LinkOption.NOFOLLOW_LINKS);
        if (missing && config.fleet() == null) {
            Items.create(config.db(), Items.SAMPLE);
        }
        String name = databaseName(config.db());
        if (config.server().equals("spring")) {
            return startSpring(config, name);
        }
        if (config.server().equals("micronaut")) {
            return startMicronaut(config, name);
        }
        HotswapBuilder engine = Hotswap.builder().database(name, config.db()).socket(config.socket())
                .keep(config.keep());
        if (config.fleet() != null) {
            // The one place the demo joins a fleet: the engine starts the node, which catches up
            // before start() returns, so the demo serves only once it is in step with the fleet.
            engine.rollouts(HotswapFleet.of(config.fleet()));
            // A new server (no file yet) gets the fleet's copy from the engine; if the fleet serves
            // none yet, the engine creates an empty database, which gets the sample rows below, as
            // an app's migrations would fill it.
            engine.createIfMissing(true);
        }
        Hotswap hotswap = engine.build().start();
        DemoServer server = null;
        try {
            Items items = new Items(hotswap.dataSource(name));
            if (missing && config.fleet() != null) {
                items.seedIfEmpty(); // a fetched database has the table: left alone
            }
            server = switch (config.server()) {
                case "jetty" -> new JettyDemo(hotswap, items, config.port(), config.gate());
                case "undertow" -> new UndertowDemo(hotswap, items, config.port(), config.gate());
                case "tomcat" -> new TomcatDemo(hotswap, items, config.port(), config.gate());
                default -> throw new IllegalArgumentException("unknown server " + config.server());
            };
            BackgroundWriter writer = config.backgroundWriter() ? BackgroundWriter.start(items) : null;
            return new Demo(hotswap, server, writer, hotswap);
        } catch (Exception e) {
            if (server != null) {
                server.close();
            }
            hotswap.close();
            throw e;
        }
    }

    /**
     * The Spring Boot application, whose engine the hotswap starter makes from the same settings; the
     * baselines swap the starter's filter for theirs.
     */
    private static Demo startSpring(Config config, String name) throws Exception {
        Filter baseline = switch (config.gate()) {
            case HOTSWAP -> null;
            case MUTEX -> new ServletMutex();
            case OFF -> (request, response, chain) -> chain.doFilter(request, response);
        };
        SpringDemo spring = SpringDemo.start(settings(config, name), baseline);
        try {
            return aroundApplication(config, name, spring.hotswap(), spring::port, spring::stopServing, spring);
        } catch (RuntimeException e) {
            spring.close();
            throw e;
        }
    }

    /**
     * The Micronaut application, whose engine hotswap-micronaut makes from the same settings; the
     * no-gate baseline leaves its filter out.
     */
    private static Demo startMicronaut(Config config, String name) throws Exception {
        if (config.gate() == GateMode.MUTEX) {
            throw new IllegalArgumentException("--gate mutex is not offered on micronaut");
        }
        MicronautDemo micronaut = MicronautDemo.start(settings(config, name), config.gate() == GateMode.HOTSWAP);
        try {
            return aroundApplication(config, name, micronaut.hotswap(), micronaut::port, micronaut::stopServing, micronaut);
        } catch (RuntimeException e) {
            micronaut.close();
            throw e;
        }
    }

    /**
     * The demo around a framework's application, which made the engine and serves the requests: the
     * server stops through {@code stopServing}, the engine with {@code application}.
     */
    private static Demo aroundApplication(Config config, String name, Hotswap hotswap, IntSupplier port,
            Runnable stopServing, AutoCloseable application) {
        DemoServer server = new DemoServer() {
            @Override
            public int port() {
                return port.getAsInt();
            }

            @Override
            public void close() {
                stopServing.run();
            }
        };
        BackgroundWriter writer = config.backgroundWriter()
                ? BackgroundWriter.start(new Items(hotswap.dataSource(name))) : null;
        return new Demo(hotswap, server, writer, application);
    }

    /** What a framework's demo application starts with, from {@code config}. */
    private static DemoSettings settings(Config config, String name) {
        return new DemoSettings(config.port(), name, config.db(), config.socket(), config.keep());
    }

    /** The managed database's name: the file name up to its first dot ({@code production.sqlite3}: production). */
    static String databaseName(Path db) {
        String file = db.getFileName().toString();
        int dot = file.indexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    int port() {
        return server.port();
    }

    /** What the background writer did, or null if it does not run. */
    String backgroundWriterSummary() {
        return writer == null ? null : writer.summary();
    }

    Hotswap hotswap() {
        return hotswap;
    }

    /** Stops the server first (no request left), then the background writer, then the engine (socket file removed). */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            try {
                if (writer != null) {
                    writer.close();
                }
            } finally {
                try {
                    engine.close();
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException("closing the engine", e);
                }
            }
        }
    }
}
