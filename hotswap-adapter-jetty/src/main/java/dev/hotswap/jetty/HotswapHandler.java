package dev.hotswap.jetty;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Passes every request through the engine's {@link SwapGate}: enters it before the wrapped handler
 * runs and leaves it when the request completes, that is when the handler completes the request's
 * {@link Callback}, possibly later and on another thread. While a swap holds the gate closed, new
 * requests wait here and then run on the new database.
 *
 * <p>The gate is left exactly once per entered request: when the callback succeeds or fails, when
 * the wrapped handler returns {@code false} (Jetty then answers 404 itself), or when it throws (Jetty
 * then answers 500), whichever comes first. A request interrupted while it waits for a swap to end
 * is answered 503 and never entered.
 *
 * <p>Install it once, at the root of the handler tree, with {@link HotswapJetty#install}: a request
 * must not pass two gates of the same engine (see {@link SwapGate}).
 *
 * <p>Its {@linkplain #getInvocationType() invocation type} is always blocking, whatever the wrapped
 * handler declares, so that Jetty never calls it on a selector thread, where waiting for a swap would
 * stall every connection of that selector.
 */
public final class HotswapHandler extends Handler.Wrapper {
    private final SwapGate gate;

    /** A gate without a handler yet; set it with {@link #setHandler(Handler)}. */
    public HotswapHandler(SwapGate gate) {
        this(gate, null);
    }

    /** A gate in front of {@code handler}. */
    public HotswapHandler(SwapGate gate, Handler handler) {
        super(handler);
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        if (next == null) {
            return false;
        }
        // Compile fix for #9 on gen-cli only; gen-adapters rewrites this handler.
        GateLeavingCallback leaving = new GateLeavingCallback(callback, gate.enter());
        boolean handled;
        try {
            handled = next.handle(request, response, leaving);
        } catch (Throwable x) {
            leaving.leave();
            throw x;
        } finally {
            leaving.pin.unbind();
        }
        if (!handled) {
            leaving.leave();
        }
        return handled;
    }

    /** Always {@link InvocationType#BLOCKING}: {@link SwapGate#enter()} may wait for a swap. */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING;
    }

    /**
     * Leaves the gate once, on the first of: completion of the request's callback, or {@link #leave()}
     * called by the handler above when the wrapped handler declined or threw. The gate is left before
     * the wrapped callback runs: the handler is done with the database by then, and what Jetty does
     * inside that callback (the last flush, the next request of the connection) need not delay a swap.
     */
    private static final class GateLeavingCallback implements Callback {
        private final Callback callback;
        private final Pin pin;
        private final AtomicBoolean left = new AtomicBoolean();

        GateLeavingCallback(Callback callback, Pin pin) {
            this.callback = callback;
            this.pin = pin;
        }

        void leave() {
            if (left.compareAndSet(false, true)) {
                pin.leave();
            }
        }

        @Override
        public void succeeded() {
            leave();
            callback.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            leave();
            callback.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }

        @Override
        public String toString() {
            return "GateLeavingCallback[left=" + left.get() + "]@" + callback;
        }
    }
}
