package dev.hotswap.jetty;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Passes every request through the engine's {@link SwapGate}: {@linkplain SwapGate#enter() enters}
 * it before the wrapped handler runs, which pins the request to the generations current at that
 * moment, and leaves it when the request completes, that is when the handler completes the request's
 * {@link Callback}, possibly later and on another thread. Entering never waits, so this handler takes
 * the {@linkplain #getInvocationType() invocation type} of the handler it wraps: Jetty may call it on
 * a selector thread whenever it may call the wrapped handler there.
 *
 * <p>The pin is left exactly once per request: when the callback succeeds or fails, when the wrapped
 * handler returns {@code false} (Jetty then answers 404 itself), or when it throws (Jetty then answers
 * 500), whichever comes first ({@link Pin#leave()} counts only its first call).
 *
 * <p>Every request sees one generation, also where Jetty continues it on other threads: the wrapped
 * handler gets a request whose {@link Request#demand(Runnable) demand} callbacks, and a response whose
 * {@link Response#write write} callbacks, run with the pin bound (with the invocation type they
 * declare, so that Jetty schedules them as it would without the gate); these are where a Jetty
 * handler reads a body or streams a response asynchronously. The pin is bound on the calling thread
 * while {@code handle} runs and unbound when it returns, since Jetty's thread goes on to other work.
 * Work the application moves to threads of its own (an executor, a {@code CompletableFuture}, the
 * context's executor) takes the pin along itself: {@code HotswapHandler.pin(request).run(...)}; so
 * does a failure or idle-timeout listener that queries the database.
 *
 * <p>Install it once, at the root of the handler tree, with {@link HotswapJetty#install}.
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

    /**
     * The pin of {@code request}, for work the application runs on threads of its own:
     * {@code HotswapHandler.pin(request).run(() -> ...)}. Leaving it is this handler's job.
     *
     * @param request a request as the wrapped handler (or a handler behind it) received it
     * @throws IllegalArgumentException if the request did not pass a {@code HotswapHandler}
     */
    public static Pin pin(Request request) {
        PinnedRequest pinned = Request.as(request, PinnedRequest.class);
        if (pinned == null) {
            throw new IllegalArgumentException("request " + request + " did not pass a HotswapHandler");
        }
        return pinned.pin;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        if (next == null) {
            return false;
        }
        Pin pin = gate.enter();
        try {
            PinnedRequest pinnedRequest = new PinnedRequest(request, pin);
            boolean handled = next.handle(pinnedRequest, new PinnedResponse(pinnedRequest, response, pin),
                    new LeavingCallback(callback, pin));
            if (!handled) {
                pin.leave();
            }
            return handled;
        } catch (Throwable x) {
            pin.leave();
            throw x;
        } finally {
            pin.unbind();
        }
    }

    /** The request as the wrapped handler sees it: demand callbacks run with the pin bound. */
    private static final class PinnedRequest extends Request.Wrapper {
        private final Pin pin;

        PinnedRequest(Request request, Pin pin) {
            super(request);
            this.pin = pin;
        }

        @Override
        public void demand(Runnable demandCallback) {
            super.demand(Invocable.from(Invocable.getInvocationType(demandCallback),
                    () -> pin.run(demandCallback)));
        }
    }

    /** The response as the wrapped handler sees it: write callbacks run with the pin bound. */
    private static final class PinnedResponse extends Response.Wrapper {
        private final Pin pin;

        PinnedResponse(Request request, Response response, Pin pin) {
            super(request, response);
            this.pin = pin;
        }

        @Override
        public void write(boolean last, ByteBuffer byteBuffer, Callback callback) {
            super.write(last, byteBuffer, Callback.from(callback.getInvocationType(),
                    () -> pin.run(callback::succeeded), failure -> pin.run(() -> callback.failed(failure))));
        }
    }

    /**
     * The request's callback: leaves the pin, then completes Jetty's callback. The pin is left first:
     * the handler is done with the database by then, and what Jetty does inside its callback (the last
     * flush, the next request of the connection) need not keep the old generation open.
     */
    private static final class LeavingCallback implements Callback {
        private final Callback callback;
        private final Pin pin;

        LeavingCallback(Callback callback, Pin pin) {
            this.callback = callback;
            this.pin = pin;
        }

        @Override
        public void succeeded() {
            pin.leave();
            callback.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            pin.leave();
            callback.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }

        @Override
        public String toString() {
            return "LeavingCallback[left=" + pin.hasLeft() + "]@" + callback;
        }
    }
}
