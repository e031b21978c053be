package dev.hotswap.testkit;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapGate;
import dev.hotswap.engine.SwapRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the adapters' tests do to a web server in front of a swappable database, whichever server it
 * is: two datasets, a live database that starts as a copy of {@link #oldData}, HTTP requests on
 * loopback, swaps through the engine's in-process push, and probes of the gate. Each adapter's
 * fixture starts its own server around {@link #hotswap()} and passes its port here.
 */
public abstract class LiveServer implements AutoCloseable {
    /** The managed database's name. */
    public static final String DATABASE = "main";
    /** Long enough that only a deliberately held request makes a swap give up. */
    public static final Duration PATIENT_DRAIN = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Requests per client at most in the swap tests: they stop when the swaps are done. */
    private static final int REQUEST_CAP = 5_000;

    /** The dataset the live database starts as. */
    public final Dataset oldData;
    /** The other dataset. */
    public final Dataset newData;
    private final Hotswap hotswap;
    private final HttpClient client = client();
    private final URI base;

    /** The engine and datasets of a server about to be built; see {@link #prepare}. */
    public record Engine(Dataset oldData, Dataset newData, Hotswap hotswap) {
    }

    /**
     * Writes both datasets (in WAL mode if {@code wal}) into {@code dir}, copies the old one to the
     * live file, and builds (does not start) an engine without a socket that gives up a swap when
     * requests do not drain within {@code drainTimeout}.
     */
    public static Engine prepare(Path dir, Duration drainTimeout, boolean wal) throws Exception {
        Dataset oldData = Dataset.create(dir.resolve("old.sqlite3"), "old", wal);
        Dataset newData = Dataset.create(dir.resolve("new.sqlite3"), "new", wal);
        Path live = dir.resolve("live.sqlite3");
        Files.copy(oldData.file(), live);
        Hotswap hotswap = Hotswap.builder()
                .database(DATABASE, live)
                .drainTimeout(drainTimeout)
                .socketEnabled(false)
                .build();
        return new Engine(oldData, newData, hotswap);
    }

    /** An HTTP/1.1 client with the tests' connect timeout. */
    public static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
    }

    /** A started server for {@code engine}, listening on 127.0.0.1 at {@code port}. */
    protected LiveServer(Engine engine, int port) {
        this.oldData = engine.oldData();
        this.newData = engine.newData();
        this.hotswap = engine.hotswap();
        this.base = URI.create("http://127.0.0.1:" + port);
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
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path}, without waiting for the answer. */
    public CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return client.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST path} with an empty body. */
    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return client.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Swaps {@code dataset} in through the engine's in-process push, every check on. */
    public void swapTo(Dataset dataset) throws IOException, SwapRefusedException {
        try (InputStream content = Files.newInputStream(dataset.file())) {
            hotswap.push(DATABASE, content, PushOptions.defaults());
        }
    }

    /** What {@code GET /items} answers now; anything but 200 fails. */
    public String items() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/items");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /items answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * Readers send {@code GET /items} from {@code clients} threads while {@code swaps} swaps alternate
     * the datasets. Passes if every answer was 200 with exactly one dataset, the new one right after
     * each swap, every client was answered, and the gate ends empty; throws {@link AssertionError}
     * otherwise.
     */
    public void assertReadersSeeOneDatasetAcrossSwaps(int clients, int swaps) throws Exception {
        Hammer readers = Hammer.start(clients, REQUEST_CAP, (client, sequence) -> {
            HttpResponse<String> response = get("/items");
            if (response.statusCode() != 200) {
                return "status " + response.statusCode() + ": " + response.body();
            }
            String body = response.body();
            return body.equals(oldData.text()) || body.equals(newData.text()) ? null : "neither dataset: " + body;
        });
        readers.awaitEveryClient();
        for (int i = 0; i < swaps; i++) {
            Dataset next = i % 2 == 0 ? newData : oldData;
            swapTo(next);
            String now = items();
            if (!now.equals(next.text())) {
                throw new AssertionError("right after swap " + (i + 1) + ": expected " + next.text() + ", was " + now);
            }
        }
        assertClean(readers.stop(), clients);
    }

    /**
     * Writers send {@code POST /items?note=...} from {@code clients} threads while {@code swaps}
     * swaps alternate the datasets. Passes if every write answered 201 with its note, every client
     * was answered, and the gate ends empty; throws {@link AssertionError} otherwise. Use WAL
     * datasets: in rollback-journal mode continuous writers hold off the engine's read of the live
     * schema, which slows every swap down.
     */
    public void assertWritersNeverFailAcrossSwaps(int clients, int swaps) throws Exception {
        Hammer writers = Hammer.start(clients, REQUEST_CAP, (client, sequence) -> {
            String note = "c" + client + "-" + sequence;
            HttpResponse<String> response = post("/items?note=" + note);
            return response.statusCode() == 201 && response.body().equals(note)
                    ? null : "status " + response.statusCode() + ": " + response.body();
        });
        writers.awaitEveryClient();
        for (int i = 0; i < swaps; i++) {
            swapTo(i % 2 == 0 ? newData : oldData);
        }
        assertClean(writers.stop(), clients);
    }

    private void assertClean(Hammer.Tally tally, int clients) throws InterruptedException {
        if (tally.failureCount() != 0) {
            throw new AssertionError(tally.failureCount() + " of " + tally.requests() + " requests failed: "
                    + tally.failures());
        }
        if (tally.requests() < clients) {
            throw new AssertionError("requests: " + tally.requests() + ", fewer than the " + clients + " clients");
        }
        awaitGateEmpty();
    }

    /**
     * Waits until no request is in the gate, then asserts exactly zero: a leaked enter stays above
     * zero, a double leave below, so either fails here instead of passing by luck.
     */
    public void awaitGateEmpty() throws InterruptedException {
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (gate().inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long inFlight = gate().inFlight();
        if (inFlight != 0) {
            throw new AssertionError("requests in the gate: expected 0, was " + inFlight);
        }
    }

    /** Waits until a swap holds the gate closed. */
    public void awaitGateClosed() throws InterruptedException {
        while (!gate().isClosed()) {
            Thread.sleep(1);
        }
    }

    /** Stops the server and the engine; never throws a checked exception. */
    @Override
    public abstract void close();

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT);
    }
}
