package dev.hotswap.quarkus;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * The request gate as a Vert.x route handler, first on every route: each request enters
 * {@code gate} and so pins the generations current on arrival, and leaves it once, when Vert.x ends
 * the request (answered, failed, or its connection gone: the routing context's end handler).
 *
 * <p>Vert.x continues a request on threads no handler wraps: the event loop when its body arrives or
 * a write completes, a worker for a blocking endpoint, whichever thread resumes a {@code Uni}. What
 * goes with it on all of them is its duplicated context, so the pin is kept there (keyed by the
 * gate), and the gate's {@linkplain SwapGate#carrier carrier} finds it wherever no pin is bound: the
 * engine's data sources serve the request's generation on every hop. Work the application moves to
 * threads of its own takes the pin along: {@code Pin pin = hotswap.gate().pinned()} on a request
 * thread, then {@code pin.run(...)} there.
 */
public final class RequestGate implements Handler<RoutingContext> {
    private final SwapGate gate;

    /** The gate of {@code gate}; makes it find pins in the current Vert.x context. */
    public RequestGate(SwapGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
        gate.carrier(() -> {
            Context context = Vertx.currentContext();
            return context == null ? null : context.getLocal(gate);
        });
    }

    @Override
    public void handle(RoutingContext request) {
        Pin pin = gate.enter();
        Context context = Vertx.currentContext();
        // Only a duplicated context is the request's own: locals of the root one are every request's.
        boolean carried = context != null && VertxContext.isDuplicatedContext(context);
        if (carried) {
            context.putLocal(gate, pin);
        }
        request.addEndHandler(ended -> {
            pin.leave();
            if (carried) {
                context.removeLocal(gate);
            }
        });
        try {
            request.next();
        } finally {
            // The event loop goes on to other requests: from here the context carries the pin.
            pin.unbind();
        }
    }
}
