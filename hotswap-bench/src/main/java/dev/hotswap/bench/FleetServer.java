package dev.hotswap.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.fleet.FleetConfig;
import dev.hotswap.fleet.HotswapFleet;
import dev.hotswap.jetty.HotswapJetty;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * One server of the benchmark's fleet, as an app runs it: a hotswap engine joined to the fleet
 * ({@link HotswapFleet}) behind Jetty on loopback, answering {@code GET /} with the version of the
 * database it serves; and one client that reads it in a loop, counting failed requests and noting when
 * it first saw each version, the flip as the server's users see it.
 */
final class FleetServer implements AutoCloseable {
    private final String node;
    private final Server jetty;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<String> failures = new ArrayList<>();
    private final Thread reader;
    private volatile boolean reading = true;
    private final AtomicReference<Watch> watch = new AtomicReference<>(new Watch(-1, 0));

    /** The version the reader waits for, and the nanoTime it first got it (0 until then). */
    private record Watch(int version, long seenAt) {
    }

    private FleetServer(String node, Server jetty, int port) {
        this.node = node;
        this.jetty = jetty;
        this.port = port;
        this.reader = new Thread(this::read, "reader-" + node);
        reader.setDaemon(true);
    }

    /**
     * Starts node {@code node} on {@code live} with its admin socket at {@code socket}: Jetty starts the
     * engine, which joins the fleet of {@code fleet} and catches up, then the reader starts.
     */
    static FleetServer start(String node, Path live, Path socket, FleetConfig fleet) throws Exception {
        Hotswap hotswap = Hotswap.builder().database("production", live).socket(socket)
                .rollouts(HotswapFleet.of(fleet)).build();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(new Version(hotswap.dataSource("production")));
        HotswapJetty.install(jetty, hotswap);
        jetty.start();
        FleetServer server = new FleetServer(node, jetty, connector.getLocalPort());
        server.reader.start();
        return server;
    }

    String node() {
        return node;
    }

    /** Watches for {@code version}: {@link #seenAt()} is 0 until the reader gets it. */
    void await(int version) {
        watch.set(new Watch(version, 0));
    }

    /** When the reader first got the awaited version ({@link System#nanoTime()}), or 0. */
    long seenAt() {
        return watch.get().seenAt();
    }

    long requests() {
        return requests.get();
    }

    long failed() {
        return failed.get();
    }

    /** The first few failures, for the report. */
    synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    private void read() {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(30)).build();
        while (reading) {
            String failure = null;
            try {
                HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
                Watch waiting = watch.get(); // read after the answer: a stale watch loses the exchange below
                if (response.statusCode() != 200) {
                    failure = "HTTP " + response.statusCode() + ": " + response.body();
                } else if (Integer.parseInt(response.body().strip()) == waiting.version() && waiting.seenAt() == 0) {
                    watch.compareAndSet(waiting, new Watch(waiting.version(), System.nanoTime()));
                }
            } catch (IOException | RuntimeException e) {
                failure = e.toString();
            } catch (InterruptedException e) {
                return;
            }
            requests.incrementAndGet();
            if (failure != null) {
                failed.incrementAndGet();
                synchronized (this) {
                    if (failures.size() < 5) {
                        failures.add(node + ": " + failure);
                    }
                }
            }
        }
    }

    /** Stops the reader, then Jetty, which closes the engine, which leaves the fleet. */
    @Override
    public void close() throws IOException {
        reading = false;
        try {
            reader.join(10_000);
            jetty.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while stopping " + this);
        } catch (Exception e) {
            throw new IOException("stopping " + this, e);
        }
    }

    /** {@code GET /}: the version of the database the request's generation holds. */
    private static final class Version extends Handler.Abstract {
        private final DataSource database;

        Version(DataSource database) {
            super(InvocationType.BLOCKING);
            this.database = database;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            try (Connection connection = database.getConnection();
                    PreparedStatement query = connection.prepareStatement("SELECT version FROM items WHERE id = 1");
                    ResultSet row = query.executeQuery()) {
                row.next();
                response.setStatus(HttpStatus.OK_200);
                Content.Sink.write(response, true, Integer.toString(row.getInt(1)), callback);
            }
            return true;
        }
    }

    @Override
    public String toString() {
        return node + " on http://127.0.0.1:" + port;
    }
}
