package dev.hotswap.demo;

import dev.hotswap.demo.core.Items;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The end-to-end tour: the demo app serving under load while the real {@code hotswap} CLI lists the
 * generations, pushes a new database, lists again, rolls back, then tries two pushes that must be
 * refused. Prints what happened and returns 0 only if no request failed, every response came whole
 * from one generation, reads after the rollback see the first database again, and each command ended
 * as it should.
 */
final class Tour {
    private static final int ROWS = 200;
    private static final int READERS = 4;
    /**
     * Held here: java.util.logging keeps loggers weakly, and one collected forgets its level (Spring
     * Boot's start allocates enough to collect it before the engine logs).
     */
    private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("dev.hotswap");

    private final String server;
    private final Path cli;
    private final PrintWriter out;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong fromOld = new AtomicLong();
    private final AtomicLong fromNew = new AtomicLong();
    private final AtomicLong mixed = new AtomicLong();

    Tour(String server, Path cli, PrintWriter out) {
        this.server = server;
        this.cli = cli;
        this.out = out;
    }

    int run() throws Exception {
        if (!Files.isExecutable(cli)) {
            out.println("ERROR: the hotswap CLI is not built at " + cli + "; run: mvn -B -DskipTests package");
            return 1;
        }
        Path dir = Files.createTempDirectory("hotswap-tour");
        Path live = dir.resolve("db/production.sqlite3");
        Path next = dir.resolve("next.sqlite3");
        Path garbage = dir.resolve("garbage.sqlite3");
        Path otherSchema = dir.resolve("other-schema.sqlite3");
        Path socket = dir.resolve("hotswap.sock");
        Items.create(live, names("v1"));
        Items.create(next, names("v2"));
        byte[] noise = new byte[64 * 1024];
        new Random(42).nextBytes(noise);
        Files.write(garbage, noise);
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + otherSchema);
             var statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)");
        }

        // The tour tells its own story; the engine's INFO log would drown it.
        ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
        boolean ok = true;
        try (Demo demo = Demo.start(new Demo.Config(server, 0, live, socket, GateMode.HOTSWAP, 1, false, null))) {
            URI items = URI.create("http://127.0.0.1:" + demo.port() + "/items");
            out.printf("hotswap tour on %s: http://127.0.0.1:%d, live database %s (%d rows \"v1-...\")%n",
                    server, demo.port(), live, ROWS);
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                clients.add(new Thread(() -> read(items), "tour-reader"));
            }
            clients.add(new Thread(() -> write(items), "tour-writer"));
            clients.forEach(Thread::start);
            Thread.sleep(1000);

            out.printf("%n$ hotswap ls      # the file it started with is generation 1%n");
            ok &= cli(dir, socket, 0, "ls");

            out.printf("%n$ hotswap cp %s %s      # while %d clients read and 1 writes%n", next, live, READERS);
            ok &= cli(dir, socket, 0, "cp", next.toString(), live.toString());
            out.println("  (the pause is the flip: the longest a new request could have waited; requests in flight");
            out.println("   finished on generation 1, then it closed)");
            Thread.sleep(1000);

            out.printf("%n$ hotswap ls      # generation 2 is current, 1 is kept for rollback%n");
            ok &= cli(dir, socket, 0, "ls");

            out.printf("%n$ hotswap rollback production      # generation 1 again, with the same flip%n");
            ok &= cli(dir, socket, 0, "rollback", "production");
            String afterRollback = http(items);
            boolean backToV1 = afterRollback.contains("\"v1-0\"") && !afterRollback.contains("\"v2-");
            out.println(backToV1 ? "  (reads see the \"v1-...\" rows again; generation 2 is kept, with what was written to it)"
                    : "  ERROR: a read after the rollback did not see the \"v1-...\" rows: " + afterRollback);
            ok &= backToV1;
            Thread.sleep(500);

            out.printf("%n$ hotswap cp %s %s      # 64 KiB of random bytes%n", garbage, live);
            ok &= cli(dir, socket, 1, "cp", garbage.toString(), live.toString());
            out.printf("%n$ hotswap cp %s %s      # an extra column%n", otherSchema, live);
            ok &= cli(dir, socket, 1, "cp", otherSchema.toString(), live.toString());

            running.set(false);
            for (Thread client : clients) {
                client.join();
            }
        }
        ok &= failed.get() == 0 && mixed.get() == 0 && fromNew.get() > 0;
        out.printf("%nrequests served: %d, failed: %d; reads of generation 1: %d, of generation 2: %d, mixed: %d%n",
                served.get(), failed.get(), fromOld.get(), fromNew.get(), mixed.get());
        out.println(ok ? "tour OK" : "ERROR: the tour saw a failure (see above)");
        return ok ? 0 : 1;
    }

    /**
     * Runs {@code hotswap COMMAND --socket SOCKET ARGS...}, prints its output (stderr and stdout, as a
     * terminal shows them) indented, and says whether it exited with {@code expected}.
     */
    private boolean cli(Path dir, Path socket, int expected, String command, String... args)
            throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(cli.toString(), command, "--socket", socket.toString()));
        line.addAll(List.of(args));
        Process process = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = process.waitFor();
        output.lines().forEach(text -> out.println("  " + text));
        out.printf("  (exit %d%s)%n", code, code == expected ? "" : ", expected " + expected);
        return code == expected;
    }

    /** One {@code GET}, its body, or the failure. */
    private static String http(URI items) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(items).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private void read(URI items) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(items).timeout(Duration.ofSeconds(30)).build();
        while (running.get()) {
            try {
                HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
                count(response.statusCode() == 200);
                if (response.statusCode() == 200) {
                    classify(response.body());
                }
            } catch (IOException e) {
                count(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void write(URI items) {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; running.get(); i++) {
            HttpRequest post = HttpRequest.newBuilder(items).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("written-" + i)).build();
            try {
                count(http.send(post, HttpResponse.BodyHandlers.discarding()).statusCode() == 201);
            } catch (IOException e) {
                count(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void count(boolean success) {
        served.incrementAndGet();
        if (!success) {
            failed.incrementAndGet();
        }
    }

    /** A read is whole if every seeded row in it comes from one database: all v1 or all v2, all of them. */
    private void classify(String json) {
        long v1 = json.split("\"v1-", -1).length - 1;
        long v2 = json.split("\"v2-", -1).length - 1;
        if (v1 == ROWS && v2 == 0) {
            fromOld.incrementAndGet();
        } else if (v2 == ROWS && v1 == 0) {
            fromNew.incrementAndGet();
        } else {
            mixed.incrementAndGet();
        }
    }

    private static List<String> names(String version) {
        return IntStream.range(0, ROWS).mapToObj(i -> version + "-" + i).toList();
    }
}
