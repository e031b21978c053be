package dev.hotswap.servlet;

import dev.hotswap.engine.SwapGate;
import dev.hotswap.testkit.Dataset;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The host application of the tests, one route per behaviour:
 * <ul>
 * <li>{@code GET /items}: every item name of the live database ({@link Dataset#readItems});
 * <li>{@code POST /items?note=...}: inserts a row into {@code writes}, answers 201;
 * <li>{@code /interrupted}: as {@code /items} (the fixture interrupts its thread before the gate);
 * <li>{@code /async}: starts an asynchronous cycle and leaves it pending until the test calls
 *     {@link #completeAsync()};
 * <li>{@code /async-dispatch}: starts an asynchronous cycle, dispatches it from another thread, starts
 *     a second cycle in that dispatch and completes it from a third thread;
 * <li>{@code /async-timeout}, {@code /async-throw}, {@code /throw}, {@code /send-error}: the ways a
 *     request can end other than normally;
 * <li>{@code /forward}, {@code /include}: dispatch to {@code /in-flight};
 * <li>{@code /in-flight}, {@code /error-page}: how many requests are in the gate right now.
 * </ul>
 */
final class TestApp extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final long WAIT_SECONDS = 30;

    private final transient Supplier<DataSource> dataSource;
    private final transient SwapGate gate;
    private final transient BlockingQueue<AsyncContext> asyncRequests = new LinkedBlockingQueue<>();

    TestApp(Supplier<DataSource> dataSource, SwapGate gate) {
        this.dataSource = dataSource;
        this.gate = gate;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        try {
            route(request, response);
        } catch (SQLException e) {
            throw new ServletException(e);
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException, SQLException {
        // An include keeps the including request's path; the included one is an attribute.
        Object included = request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
        switch (String.valueOf(included != null ? included : request.getPathInfo())) {
            case "/items", "/interrupted" -> {
                if (request.getMethod().equals("POST")) {
                    String note = request.getParameter("note");
                    Dataset.insertWrite(dataSource.get(), note);
                    respond(response, HttpServletResponse.SC_CREATED, note);
                } else {
                    respond(response, HttpServletResponse.SC_OK, Dataset.readItems(dataSource.get()));
                }
            }
            case "/async" -> asyncRequests.add(request.startAsync());
            case "/async-dispatch" -> {
                AsyncContext async = request.startAsync();
                if (request.getDispatcherType() == DispatcherType.REQUEST) {
                    new Thread(async::dispatch, "async-dispatcher").start();
                } else {
                    String inFlight = inFlight();
                    new Thread(() -> {
                        try {
                            respond((HttpServletResponse) async.getResponse(), HttpServletResponse.SC_OK, inFlight);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        } finally {
                            async.complete();
                        }
                    }, "async-completer").start();
                }
            }
            case "/async-timeout" -> request.startAsync().setTimeout(50);
            case "/async-throw" -> {
                request.startAsync();
                throw new ServletException("servlet throws on purpose after startAsync");
            }
            case "/throw" -> throw new ServletException("servlet throws on purpose");
            case "/send-error" -> response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            case "/forward" -> request.getRequestDispatcher("/in-flight").forward(request, response);
            case "/include" -> {
                response.setContentType("text/plain;charset=utf-8");
                request.getRequestDispatcher("/in-flight").include(request, response);
            }
            case "/in-flight" -> respond(response, HttpServletResponse.SC_OK, inFlight());
            case "/error-page" -> {
                response.setContentType("text/plain;charset=utf-8");
                response.getWriter().write("error page, " + inFlight());
            }
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private String inFlight() {
        return "in flight " + gate.inFlight();
    }

    /** Waits for the next {@code /async} request to have started its cycle and been left pending. */
    void awaitAsync() throws InterruptedException {
        AsyncContext pending = asyncRequests.poll(WAIT_SECONDS, TimeUnit.SECONDS);
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
        AsyncContext pending = asyncRequests.take();
        new Thread(() -> {
            try {
                respond((HttpServletResponse) pending.getResponse(), HttpServletResponse.SC_OK,
                        Dataset.readItems(dataSource.get()));
            } catch (IOException | SQLException e) {
                throw new IllegalStateException(e);
            } finally {
                pending.complete();
            }
        }, "async-completer").start();
    }

    /** Completes whatever is still pending, so that a failed test does not leave a request hanging. */
    void releaseAll() {
        AsyncContext pending;
        while ((pending = asyncRequests.poll()) != null) {
            pending.complete();
        }
    }

    private static void respond(HttpServletResponse response, int status, String text) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write(text);
    }
}
