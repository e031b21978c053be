package dev.hotswap.undertow;

import dev.hotswap.testkit.Dataset;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The host application of the tests, one route per behaviour:
 * <ul>
 * <li>{@code GET /items}: every item name of the live database ({@link Dataset#readItems});
 * <li>{@code POST /items?note=...}: inserts a row into {@code writes}, answers 201;
 * <li>{@code /thread}: answers {@code io} or {@code worker}, where the application ran;
 * <li>{@code /async}: dispatches the exchange without ending it; the test ends it later, on another
 *     thread, with {@link #completeAsync()};
 * <li>{@code /hold}: blocks its worker thread until {@link #releaseHeld()}, then reads items;
 * <li>{@code /throw}, {@code /dispatched-throw}: a handler that throws, directly or once dispatched.
 * </ul>
 */
final class TestApp implements HttpHandler {
    private static final long WAIT_SECONDS = 30;

    private final Supplier<DataSource> dataSource;
    private final BlockingQueue<HttpServerExchange> asyncExchanges = new LinkedBlockingQueue<>();
    private final CountDownLatch heldArrived = new CountDownLatch(1);
    private final CountDownLatch heldRelease = new CountDownLatch(1);

    TestApp(Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        switch (exchange.getRequestPath()) {
            case "/items":
            case "/interrupted":
                if (exchange.getRequestMethod().equals(Methods.POST)) {
                    Deque<String> notes = exchange.getQueryParameters().get("note");
                    String note = notes == null ? "" : notes.getFirst();
                    Dataset.insertWrite(dataSource.get(), note);
                    respond(exchange, StatusCodes.CREATED, note);
                } else {
                    respond(exchange, StatusCodes.OK, Dataset.readItems(dataSource.get()));
                }
                break;
            case "/thread":
                respond(exchange, StatusCodes.OK, exchange.isInIoThread() ? "io" : "worker");
                break;
            case "/async":
                exchange.dispatch(SameThreadExecutor.INSTANCE, () -> asyncExchanges.add(exchange));
                break;
            case "/hold":
                heldArrived.countDown();
                if (!heldRelease.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held request not released within " + WAIT_SECONDS + " s");
                }
                respond(exchange, StatusCodes.OK, Dataset.readItems(dataSource.get()));
                break;
            case "/throw":
                throw new IllegalStateException("handler throws on purpose");
            case "/dispatched-throw":
                exchange.dispatch(dispatched -> {
                    throw new IllegalStateException("dispatched handler throws on purpose");
                });
                break;
            default:
                exchange.setStatusCode(StatusCodes.NOT_FOUND);
                break;
        }
    }

    /** Waits for the next {@code /async} exchange to have been dispatched and left open. */
    void awaitAsync() throws InterruptedException {
        HttpServerExchange exchange = asyncExchanges.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (exchange == null) {
            throw new IllegalStateException("no /async request within " + WAIT_SECONDS + " s");
        }
        asyncExchanges.add(exchange);
    }

    /**
     * Ends the open {@code /async} exchange on a new thread, which reads items only now: what it reads
     * shows which database the exchange saw at its end.
     */
    void completeAsync() throws InterruptedException {
        awaitAsync();
        HttpServerExchange exchange = asyncExchanges.take();
        Thread completer = new Thread(() -> {
            try {
                respond(exchange, StatusCodes.OK, Dataset.readItems(dataSource.get()));
            } catch (Exception e) {
                exchange.setStatusCode(StatusCodes.INTERNAL_SERVER_ERROR);
                exchange.endExchange();
            }
        }, "async-completer");
        completer.start();
    }

    /** Waits for a {@code /hold} request to block in its handler. */
    void awaitHeld() throws InterruptedException {
        if (!heldArrived.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no /hold request within " + WAIT_SECONDS + " s");
        }
    }

    /** Lets the {@code /hold} request go on. */
    void releaseHeld() {
        heldRelease.countDown();
    }

    /** Ends whatever is still open, so that a failed test does not leave an exchange hanging. */
    void releaseAll() {
        releaseHeld();
        HttpServerExchange exchange;
        while ((exchange = asyncExchanges.poll()) != null) {
            exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
            exchange.endExchange();
        }
    }

    private static void respond(HttpServerExchange exchange, int status, String text) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain;charset=utf-8");
        exchange.getResponseSender().send(text);
    }
}
