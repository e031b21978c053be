package dev.hotswap.servlet;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import dev.hotswap.testkit.TestRoutes;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@linkplain TestRoutes test app} as a servlet, written the way Servlet 6 applications are: the
 * body of {@code /upload} read with a {@link ReadListener} in an asynchronous cycle, {@code /stream}
 * written with a {@link WriteListener} (the end once the container calls it back after the first
 * part), {@code /async} completed on a thread of the app's own with the request's
 * {@linkplain HotswapFilter#pin pin}. The endings: {@code /throw} throws, {@code /respond-then-throw}
 * commits a 204 and throws, {@code /fail} answers {@code sendError(500)}, {@code /decline} returns
 * without a word (200, empty).
 *
 * <p>Routes for the Servlet-only tests: {@code /forward} and {@code /include} dispatch to
 * {@code /in-flight}, which answers how many requests the gate holds, as {@code /error-page} does
 * after {@code error page, }; {@code /async-dispatch} starts a cycle, dispatches it from another
 * thread, starts a second cycle there and completes it from a third; {@code /started-task} runs
 * {@link TestRoutes#readTwiceAroundASwap()} in a task given to {@code AsyncContext.start};
 * {@code /send-error} answers 503 by {@code sendError}, {@code /async-timeout} lets its cycle time out
 * after 50 ms, {@code /async-throw} throws after {@code startAsync}.
 */
final class ServletTestApp extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Longer than any test holds a request, shorter than the tests' own timeouts. */
    private static final long ASYNC_TIMEOUT_MILLIS = 60_000;

    private final transient TestRoutes app;
    private final transient SwapGate gate;

    ServletTestApp(TestRoutes app, SwapGate gate) {
        this.app = app;
        this.gate = gate;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        try {
            route(request, response);
        } catch (ServletException | IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response) throws Exception {
        // An include keeps the including request's path; the included one is an attribute.
        Object included = request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
        switch (String.valueOf(included != null ? included : request.getPathInfo())) {
            case "/items" -> {
                if (request.getMethod().equals("POST")) {
                    respond(response, HttpServletResponse.SC_CREATED, app.write(request.getParameter("note")));
                } else {
                    respond(response, HttpServletResponse.SC_OK, app.items());
                }
            }
            case "/checksum" -> respond(response, HttpServletResponse.SC_OK, app.checksum());
            case "/two-connections" -> respond(response, HttpServletResponse.SC_OK, app.readTwiceAroundASwap());
            case "/upload" -> upload(request);
            case "/stream" -> stream(request, response);
            case "/async" -> {
                AsyncContext async = started(request);
                Pin pin = HotswapFilter.pin(request);
                app.asyncPending(() -> pin.run(() -> completeWith(async, app::items)));
            }
            case "/throw" -> throw new ServletException("servlet throws on purpose");
            case "/respond-then-throw" -> {
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                response.flushBuffer();
                throw new ServletException("servlet throws on purpose after committing its answer");
            }
            case "/fail" -> response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            case "/decline" -> { }
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
            case "/async-dispatch" -> asyncDispatch(request);
            case "/started-task" -> {
                AsyncContext async = started(request);
                async.start(() -> completeWith(async, app::readTwiceAroundASwap));
            }
            case "/send-error" -> response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            case "/async-timeout" -> request.startAsync().setTimeout(50);
            case "/async-throw" -> {
                request.startAsync();
                throw new ServletException("servlet throws on purpose after startAsync");
            }
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    /** Reads the body as it arrives, in listener callbacks the container runs; answers once it is all in. */
    private void upload(HttpServletRequest request) throws IOException {
        AsyncContext async = started(request);
        ServletInputStream in = request.getInputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        in.setReadListener(new ReadListener() {
            @Override
            public void onDataAvailable() throws IOException {
                byte[] buffer = new byte[256];
                while (in.isReady() && !in.isFinished()) {
                    int read = in.read(buffer);
                    if (read > 0) {
                        body.write(buffer, 0, read);
                    }
                }
            }

            @Override
            public void onAllDataRead() {
                completeWith(async, () -> app.uploaded(body.toString(StandardCharsets.UTF_8)));
            }

            @Override
            public void onError(Throwable failure) {
                async.complete();
            }
        });
    }

    /** Writes the first part; the container calls back once it has gone out, and the end follows. */
    private void stream(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AsyncContext async = started(request);
        response.setContentType("text/plain;charset=utf-8");
        ServletOutputStream out = response.getOutputStream();
        out.setWriteListener(new WriteListener() {
            private boolean startWritten;

            @Override
            public void onWritePossible() throws IOException {
                if (!startWritten) {
                    startWritten = true;
                    out.write(app.streamStart());
                    if (!out.isReady()) {
                        return; // called again once the first part has gone out
                    }
                }
                try {
                    out.write(app.streamEnd().getBytes(StandardCharsets.UTF_8));
                } catch (java.sql.SQLException e) {
                    throw new IOException(e);
                }
                async.complete();
            }

            @Override
            public void onError(Throwable failure) {
                async.complete();
            }
        });
    }

    private void asyncDispatch(HttpServletRequest request) {
        AsyncContext async = request.startAsync();
        if (request.getDispatcherType() == DispatcherType.REQUEST) {
            new Thread(async::dispatch, "async-dispatcher").start();
            return;
        }
        String inFlight = inFlight();
        new Thread(() -> completeWith(async, () -> inFlight), "async-completer").start();
    }

    private static AsyncContext started(HttpServletRequest request) {
        AsyncContext async = request.startAsync();
        async.setTimeout(ASYNC_TIMEOUT_MILLIS);
        return async;
    }

    /** What an asynchronous route answers, read when it answers. */
    private interface Answer {
        String text() throws Exception;
    }

    /** Answers 200 with {@code answer}, or 500 if it fails, and completes the cycle. */
    private static void completeWith(AsyncContext async, Answer answer) {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        try {
            respond(response, HttpServletResponse.SC_OK, answer.text());
        } catch (Exception e) {
            response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        } finally {
            async.complete();
        }
    }

    private String inFlight() {
        return "in flight " + gate.inFlight();
    }

    private static void respond(ServletResponse response, int status, String text) throws IOException {
        ((HttpServletResponse) response).setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write(text);
    }
}
