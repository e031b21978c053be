package dev.hotswap.testkit;

import dev.hotswap.engine.DatabaseStatus;
import dev.hotswap.engine.GenerationStatus;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapGate;
import dev.hotswap.engine.SwapRefusedException;
import dev.hotswap.engine.SwapReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A web server in front of a swappable database, as the adapters' tests see it, whichever server it
 * is: two datasets, a live database that starts as a copy of {@link #oldData}, the {@link TestRoutes
 * test app}, HTTP requests on loopback, swaps through the engine's in-process push, and probes of what
 * still holds a generation.
 */
public final class LiveServer implements AutoCloseable {
    /** The managed database's name. */
    public static final String DATABASE = "main";

    /** Starts an adapter's server around an engine (not yet started) and the test app. */
    @FunctionalInterface
    public interface Factory {
        /**
         * Starts a server on 127.0.0.1 and an ephemeral port, with the adapter in front of an app that
         * serves {@code app}'s routes, and {@code hotswap} started with it and closed when it stops.
         */
        RunningServer start(Hotswap hotswap, TestRoutes app) throws Exception;
    }

    /** The dataset the live database starts as. */
    public final Dataset oldData;
    /** The other dataset. */
    public final Dataset newData;
    /** The test app the server runs. */
    public final TestRoutes app;
    private final Hotswap hotswap;
    private final RunningServer server;
    private final HttpClient client = client();
    private final URI base;

    private LiveServer(Dataset oldData, Dataset newData, Hotswap hotswap, TestRoutes app, RunningServer server) {
        this.oldData = oldData;
        this.newData = newData;
        this.hotswap = hotswap;
        this.app = app;
        this.server = server;
        this.base = URI.create("http://127.0.0.1:" + server.port());
    }

    /**
     * Writes both datasets (in WAL mode if {@code wal}) into {@code dir}, copies the old one to the
     * live file, builds an engine for it without a socket, and has {@code factory} start a server
     * around it.
     */
    public static LiveServer start(Path dir, boolean wal, Factory factory) throws Exception {
        Dataset oldData = Dataset.create(dir.resolve("old.sqlite3"), "old", wal);
        Dataset newData = Dataset.create(dir.resolve("new.sqlite3"), "new", wal);
        Path live = dir.resolve("live.sqlite3");
        Files.copy(oldData.file(), live);
        Hotswap hotswap = Hotswap.builder()
                .database(DATABASE, live)
                .socketEnabled(false)
                .build();
        TestRoutes app = new TestRoutes(hotswap.dataSource(DATABASE));
        try {
            return new LiveServer(oldData, newData, hotswap, app, factory.start(hotswap, app));
        } catch (Exception | Error e) {
            hotswap.close();
            throw e;
        }
    }

    /** An HTTP/1.1 client with the tests' connect timeout. */
    public static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Await.PATIENCE)
                .build();
    }

    /** The port the server listens on, at 127.0.0.1. */
    public int port() {
        return server.port();
    }

    /** The engine behind the server. */
    public Hotswap hotswap() {
        return hotswap;
    }

    /** The engine's request gate. */
    public SwapGate gate() {
        return hotswap.gate();
    }

    /** {@code GET path}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    /** {@code GET path}, without waiting for the answer. */
    public CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return client.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST path} with an empty body. */
    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Sends {@code request}; a timeout says where the server's threads were when it struck. */
    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException timeout) {
            throw StalledRequest.explained(timeout, request.method() + " " + request.uri(), holders());
        }
    }

    /** Swaps {@code dataset} in through the engine's in-process push, every check on. */
    public SwapReport swapTo(Dataset dataset) throws IOException, SwapRefusedException {
        try (InputStream content = Files.newInputStream(dataset.file())) {
            return hotswap.push(DATABASE, content, PushOptions.defaults());
        }
    }

    /** What {@code GET path} answers now; anything but 200 fails. */
    public String read(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** What {@code GET /items} answers now; anything but 200 fails. */
    public String items() throws IOException, InterruptedException {
        return read("/items");
    }

    /**
     * Waits until no request is pinned and no connection is out, on any generation, then asserts that
     * exactly: a request that never left, or a connection never closed, fails here.
     */
    public void awaitIdle() throws InterruptedException {
        try {
            Await.await(() -> holders().isEmpty(), Await.PATIENCE, "every request to leave and every connection to close");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; still held: " + holders(), e);
        }
    }

    /** The generations that requests or connections hold now, as {@code generation N: R requests, C connections}. */
    private List<String> holders() {
        List<String> held = new ArrayList<>();
        for (DatabaseStatus database : hotswap.status()) {
            List<GenerationStatus> generations = new ArrayList<>();
            generations.add(database.current());
            generations.addAll(database.kept());
            generations.addAll(database.retiring());
            for (GenerationStatus generation : generations) {
                if (generation.requests() != 0 || generation.connections() != 0) {
                    held.add("generation " + generation.id() + ": " + generation.requests() + " requests, "
                            + generation.connections() + " connections");
                }
            }
        }
        if (gate().inFlight() != 0) {
            held.add("the gate: " + gate().inFlight() + " requests");
        }
        return held;
    }

    /** Lets go of what the app still holds, stops the server and so the engine; never throws a checked exception. */
    @Override
    public void close() {
        app.releaseAll();
        try {
            server.stopper().close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("stopping the server on port " + server.port() + " failed", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Await.PATIENCE);
    }
}
