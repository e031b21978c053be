package dev.hotswap.quarkus;

import dev.hotswap.engine.Pin;
import dev.hotswap.testkit.TestRoutes;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * The test app's plain Vert.x routes (those that answer from event-loop callbacks, or from threads of
 * the app's own), and the case's {@link RequestGate} in front of every route; {@link ContractResource}
 * has the Quarkus REST ones.
 */
@Singleton
class ContractRoutes {
    /** Just after the extension's own gate (order -400): this one pins to the case's engine. */
    static final int GATE_ORDER = -399;

    void routes(@Observes StartupEvent started, Router router) {
        router.route().order(GATE_ORDER).handler(request -> ContractApp.current().gate().handle(request));
        // Quarkus pauses each request until a route takes it (so that filters may run first); a route
        // of the Router's own resumes it before it reads the body.
        router.post("/upload").handler(request -> request.request().resume().body().onComplete(body -> {
            if (body.failed()) {
                request.fail(body.cause());
            } else {
                answer(request, 200, () -> app().uploaded(body.result().toString(StandardCharsets.UTF_8)));
            }
        }));
        router.get("/async").handler(request -> {
            Pin pin = ContractApp.current().hotswap().gate().pinned();
            app().asyncPending(() -> pin.run(() -> answer(request, 200, app()::items)));
        });
        router.get("/stream").handler(request -> {
            request.response().setChunked(true);
            request.response().write(Buffer.buffer(app().streamStart()))
                    .onComplete(written -> answer(request, 0, app()::streamEnd));
        });
        router.get("/throw").handler(request -> {
            throw new IllegalStateException("thrown by /throw");
        });
        router.get("/respond-then-throw").handler(request -> {
            request.response().setStatusCode(204).end();
            throw new IllegalStateException("thrown by /respond-then-throw after answering");
        });
        router.get("/fail").handler(request -> request.fail(500));
        router.route(HttpMethod.GET, "/decline").handler(RoutingContext::next);
    }

    private static TestRoutes app() {
        return ContractApp.current().app();
    }

    private interface Body {
        String read() throws SQLException;
    }

    /** Ends the response with {@code body}, setting {@code status} first unless 0 (the head went already). */
    private static void answer(RoutingContext request, int status, Body body) {
        try {
            String text = body.read();
            if (status != 0) {
                request.response().setStatusCode(status);
            }
            request.response().end(text);
        } catch (SQLException e) {
            request.fail(e);
        }
    }
}
