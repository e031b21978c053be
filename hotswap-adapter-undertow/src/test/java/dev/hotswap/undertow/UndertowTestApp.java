package dev.hotswap.undertow;

import dev.hotswap.engine.Pin;
import dev.hotswap.testkit.TestRoutes;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.Callable;

/**
 * The {@linkplain TestRoutes test app} as an Undertow handler, written the way Undertow handlers are:
 * what may block (every query, {@code /two-connections}' wait, {@code /stream}'s blocking writes) is
 * first {@linkplain HttpServerExchange#dispatch(HttpHandler) dispatched} off the I/O thread; the body of
 * {@code /upload} is then received asynchronously, and the answer dispatched again once it is in;
 * {@code /async} is completed on a thread of the app's own with the exchange's
 * {@linkplain HotswapHandler#pin pin}.
 */
final class UndertowTestApp implements HttpHandler {
    private final TestRoutes app;

    UndertowTestApp(TestRoutes app) {
        this.app = app;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        switch (exchange.getRequestPath()) {
            case "/async":
                Pin pin = HotswapHandler.pin(exchange);
                exchange.dispatch(SameThreadExecutor.INSTANCE,
                        () -> app.asyncPending(() -> pin.run(() -> respondOrFail(exchange, app::items))));
                return;
            case "/throw":
                throw new IllegalStateException("handler throws on purpose");
            case "/respond-then-throw":
                exchange.setStatusCode(StatusCodes.NO_CONTENT);
                exchange.endExchange();
                throw new IllegalStateException("handler throws on purpose after completing");
            case "/fail":
                exchange.dispatch(dispatched -> {
                    throw new IllegalStateException("dispatched handler throws on purpose");
                });
                return;
            case "/decline":
                return;
            default:
                break;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        switch (exchange.getRequestPath()) {
            case "/items":
                if (exchange.getRequestMethod().equals(Methods.POST)) {
                    Deque<String> notes = exchange.getQueryParameters().get("note");
                    respond(exchange, StatusCodes.CREATED, app.write(notes == null ? "" : notes.getFirst()));
                } else {
                    respond(exchange, StatusCodes.OK, app.items());
                }
                break;
            case "/checksum":
                respond(exchange, StatusCodes.OK, app.checksum());
                break;
            case "/two-connections":
                respond(exchange, StatusCodes.OK, app.readTwiceAroundASwap());
                break;
            case "/upload":
                // Dispatched once already; the answer is dispatched again once the body is in.
                exchange.getRequestReceiver().receiveFullString((received, body) ->
                        received.dispatch(() -> respondOrFail(received, () -> app.uploaded(body))),
                        StandardCharsets.UTF_8);
                break;
            case "/stream":
                exchange.startBlocking();
                OutputStream out = exchange.getOutputStream();
                out.write(app.streamStart());
                out.write(app.streamEnd().getBytes(StandardCharsets.UTF_8));
                break;
            default:
                exchange.setStatusCode(StatusCodes.NOT_FOUND);
                break;
        }
    }

    private static void respondOrFail(HttpServerExchange exchange, Callable<String> text) {
        try {
            respond(exchange, StatusCodes.OK, text.call());
        } catch (Exception e) {
            exchange.setStatusCode(StatusCodes.INTERNAL_SERVER_ERROR);
            exchange.endExchange();
        }
    }

    private static void respond(HttpServerExchange exchange, int status, String text) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain;charset=utf-8");
        exchange.getResponseSender().send(text);
    }
}
