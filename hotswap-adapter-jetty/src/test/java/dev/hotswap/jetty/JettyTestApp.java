package dev.hotswap.jetty;

import dev.hotswap.engine.Pin;
import dev.hotswap.testkit.TestRoutes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * The {@linkplain TestRoutes test app} as a Jetty handler, written the way Jetty 12 handlers are: the
 * body of {@code /upload} read asynchronously ({@link Content.Source#asString(Content.Source,
 * java.nio.charset.Charset, Promise)}, which continues on whatever thread runs Jetty's demand callback), {@code /stream} continued in the callback of its first
 * write, {@code /async} completed on a thread of the app's own with the request's
 * {@linkplain HotswapHandler#pin pin}. Blocking by Jetty's default: {@code /two-connections} waits in
 * its handler.
 */
final class JettyTestApp extends Handler.Abstract {
    private final TestRoutes app;

    JettyTestApp(TestRoutes app) {
        this.app = app;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        switch (request.getHttpURI().getPath()) {
            case "/items":
                if (request.getMethod().equals("POST")) {
                    String note = Request.extractQueryParameters(request).getValue("note");
                    respond(response, HttpStatus.CREATED_201, app.write(note), callback);
                } else {
                    respond(response, HttpStatus.OK_200, app.items(), callback);
                }
                return true;
            case "/checksum":
                respond(response, HttpStatus.OK_200, app.checksum(), callback);
                return true;
            case "/two-connections":
                respond(response, HttpStatus.OK_200, app.readTwiceAroundASwap(), callback);
                return true;
            case "/upload":
                Content.Source.asString(request, StandardCharsets.UTF_8, Promise.from(
                        body -> respondOrFail(response, () -> app.uploaded(body), callback), callback::failed));
                return true;
            case "/stream":
                response.write(false, ByteBuffer.wrap(app.streamStart()),
                        Callback.from(() -> respondOrFail(response, app::streamEnd, callback), callback::failed));
                return true;
            case "/async":
                Pin pin = HotswapHandler.pin(request);
                app.asyncPending(() -> pin.run(() -> respondOrFail(response, app::items, callback)));
                return true;
            case "/throw":
                throw new IllegalStateException("handler throws on purpose");
            case "/respond-then-throw":
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

    /** What a route answers, read when it answers. */
    private interface Answer {
        String text() throws Exception;
    }

    private static void respondOrFail(Response response, Answer answer, Callback callback) {
        try {
            respond(response, HttpStatus.OK_200, answer.text(), callback);
        } catch (Exception e) {
            callback.failed(e);
        }
    }

    private static void respond(Response response, int status, String text, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        Content.Sink.write(response, true, text, callback);
    }
}
