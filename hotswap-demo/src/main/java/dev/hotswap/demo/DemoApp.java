package dev.hotswap.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hotswap-demo}: a small items API on Jetty, Undertow, Tomcat, Spring Boot or Micronaut whose database hotswap can replace. */
@Command(name = "hotswap-demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves GET /health, GET /items and POST /items from a SQLite database that",
            "`hotswap cp` can replace, and `hotswap rollback` restore, while requests flow.",
            "--tour shows the whole thing end to end; --fleet-* joins several demos into a fleet."})
public final class DemoApp implements Callable<Integer> {
    @Option(names = "--server", paramLabel = "jetty|undertow|tomcat|spring|micronaut",
            description = {"HTTP server (default: ${DEFAULT-VALUE}); spring is a Spring Boot application",
                "on Tomcat that uses nothing but the hotswap starter and a @RestController;",
                "micronaut a Micronaut application on Netty with hotswap-micronaut and a @Controller."})
    String server = "jetty";

    @Option(names = "--port", description = "HTTP port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 0;

    @Option(names = "--db", description = {"The live database, created with sample rows if absent (default: ${DEFAULT-VALUE});",
        "with --fleet-*, an absent one is first fetched from the fleet if it committed a rollout."})
    Path db = Path.of("db/production.sqlite3");

    @Option(names = "--socket", description = "The admin socket for the hotswap CLI (default: ${DEFAULT-VALUE}).")
    Path socket = Path.of("tmp/sockets/hotswap.sock");

    @Option(names = "--gate", paramLabel = "hotswap|mutex|off",
            description = {"Request gate (default: ${DEFAULT-VALUE}). mutex (one request at a time, like the",
                "Ruby original) and off exist only as benchmark baselines."})
    String gate = "hotswap";

    @Option(names = "--keep", description = "Earlier generations kept for 'hotswap rollback' (default: ${DEFAULT-VALUE}).")
    int keep = 1;

    @Option(names = "--background-writer",
            description = {"Also insert a row named bg-<n> every 10 ms from a background job, outside any",
                "request, as a real app's scheduled job would."})
    boolean backgroundWriter;

    @Option(names = "--tour", description = "Run the end-to-end tour in a temporary directory, then exit.")
    boolean tour;

    @Option(names = "--cli", description = "The hotswap launcher the tour runs (default: ${DEFAULT-VALUE}).")
    Path cli = Path.of("hotswap-cli/target/hotswap/bin/hotswap");

    @Mixin
    FleetOptions fleet = new FleetOptions();

    @Spec
    CommandSpec spec;

    private final PrintWriter out;

    DemoApp(PrintWriter out) {
        this.out = out;
    }

    /** Runs the demo; exits with 0 after a clean stop, 1 if it cannot start, 2 on a usage error. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        CommandLine command = new CommandLine(new DemoApp(out));
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!List.of("jetty", "undertow", "tomcat", "spring", "micronaut").contains(server)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--server must be jetty, undertow, tomcat, spring or micronaut, not " + server);
        }
        GateMode mode;
        try {
            mode = GateMode.valueOf(gate.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--gate must be hotswap, mutex or off, not " + gate);
        }
        if (keep < 0 || keep > 1000) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--keep must be 0 to 1000, not " + keep);
        }
        if (server.equals("micronaut") && mode == GateMode.MUTEX) {
            // One lock around a request that hops between the event loop and executors is a
            // baseline nobody runs on Micronaut; the benchmark compares hotswap with off there.
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--gate mutex works with --server jetty, undertow, tomcat or spring, not micronaut");
        }
        if (tour) {
            return new Tour(server, cli, out).run();
        }
        if ((server.equals("spring") || server.equals("micronaut")) && fleet.config(spec) != null) {
            // The framework makes that engine; an app adds rollouts with a HotswapBuilderCustomizer
            // bean (Spring) or a BeanCreatedEventListener<HotswapBuilder> (Micronaut).
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--fleet-* works with --server jetty, undertow or tomcat, not " + server);
        }
        Demo demo;
        try {
            demo = Demo.start(new Demo.Config(server, port, db, socket, mode, keep, backgroundWriter,
                    fleet.config(spec)));
        } catch (java.io.IOException e) {
            // The engine's refusals (a dangling link, a database another process holds) and the
            // fleet's (wrong credentials, no such bucket) say what to do.
            System.err.println(e.getMessage().startsWith("ERROR: ") ? e.getMessage() : "ERROR: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                demo.close();
                // Said on stdout, not logged: the JVM's logging shuts down in a hook of its own.
                String summary = demo.backgroundWriterSummary();
                out.println(summary == null ? "stopped" : "stopped; " + summary);
            } catch (Exception e) {
                System.err.println("ERROR: stopping the demo: " + e);
            } finally {
                stopped.countDown();
            }
        }, "hotswap-demo-stop"));
        out.println("listening on http://127.0.0.1:" + demo.port());
        stopped.await();
        return 0;
    }
}
