package dev.hotswap.jetty;

import dev.hotswap.testkit.Dataset;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The host application of the tests, one route per behaviour:
 * <ul>
 * <li>{@code GET /items}: every item name of the live database ({@link Dataset#readItems});
 * <li>{@code POST /items?note=...}: inserts a row into {@code writes}, answers 201;
 * <li>{@code /async}: returns from {@code handle} at once and completes later, on another thread,
 *     when the test calls {@link #completeAsync()};
 * <li>{@code /hold}: blocks its handler thread until {@link #releaseHeld()}, then reads items;
 * <li>{@code /throw}, {@code /succeed-then-throw}, {@code /fail}, {@code /decline}: the ways a handler
 *     can end a request other than by completing its callback normally.
 * </ul>
 */
final class TestApp extends Handler.Abstract {
    private static final long WAIT_SECONDS = 30;

    private final Supplier<DataSource> dataSource;
    private final BlockingQueue<Pending> asyncRequests = new LinkedBlockingQueue<>();
    private final CountDownLatch heldArrived = new CountDownLatch(1);
    private final CountDownLatch heldRelease = new CountDownLatch(1);

    TestApp(Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        switch (request.getHttpURI().getPath()) {
            case "/items":
            case "/interrupted":
                if (request.getMethod().equals("POST")) {
                    String note = Request.extractQueryParameters(request).getValue("note");
                    Dataset.insertWrite(dataSource.get(), note);
                    respond(response, HttpStatus.CREATED_201, note, callback);
                } else {
                    respond(response, HttpStatus.OK_200, Dataset.readItems(dataSource.get()), callback);
                }
                return true;
            case "/async":
                asyncRequests.add(new Pending(response, callback));
                return true;
            case "/hold":
                heldArrived.countDown();
                if (!heldRelease.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held request not released within " + WAIT_SECONDS + " s");
                }
                respond(response, HttpStatus.OK_200, Dataset.readItems(dataSource.get()), callback);
                return true;
            case "/throw":
                throw new IllegalStateException("handler throws on purpose");
            case "/succeed-then-throw":
                response.setStatus(HttpStatus.NO_CONTENT_204);
                callback.succeeded();
                throw new IllegalStateException("handler throws on purpose after completing");
            case "/fail":
                callback.failed(new IllegalStateException("handler fails its callback on purpose"));
                return true;
            case "/decline":
            default:
                return false;
        }
    }

    /** Waits for the next {@code /async} request to have been handled and left pending. */
    void awaitAsync() throws InterruptedException {
        Pending pending = asyncRequests.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (pending == null) {
            throw new IllegalStateException("no /async request within " + WAIT_SECONDS + " s");
        }
        asyncRequests.add(pending);
    }

    /**
     * Completes the pending {@code /async} request on a new thread, which reads items only now: what
     * it reads shows which database the request saw at completion.
     */
    void completeAsync() throws InterruptedException {
        awaitAsync();
        Pending pending = asyncRequests.take();
        Thread completer = new Thread(() -> {
            try {
                respond(pending.response(), HttpStatus.OK_200, Dataset.readItems(dataSource.get()),
                        pending.callback());
            } catch (Exception e) {
                pending.callback().failed(e);
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

    /** Fails whatever is still pending, so that a failed test does not leave a server thread stuck. */
    void releaseAll() {
        releaseHeld();
        Pending pending;
        while ((pending = asyncRequests.poll()) != null) {
            pending.callback().failed(new IllegalStateException("test over"));
        }
    }

    private static void respond(Response response, int status, String text, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        Content.Sink.write(response, true, text, callback);
    }

    private record Pending(Response response, Callback callback) {
    }
}
