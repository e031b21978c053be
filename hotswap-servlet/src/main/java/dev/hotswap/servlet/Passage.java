package dev.hotswap.servlet;

import dev.hotswap.engine.SwapGate;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's passage through the gate: entered once, left exactly once, on whichever path ends
 * the request first. As an {@link AsyncListener} it follows the request's asynchronous cycles and
 * leaves when one completes, fails or times out.
 *
 * <p>This is the only class of the module that calls the engine's gate (porting seam for the
 * engine's generations, issue #9: {@code enter} then returns a pin bound to the calling thread, and
 * {@link #leave}, {@link #detach} and {@link #attach} become {@code pin.leave()},
 * {@code pin.unbind()} and {@code pin.bind()}).
 */
final class Passage implements AsyncListener {
    /** The calling thread's hold on a passage, released by {@link #close()}. */
    interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    private static final Binding NOTHING_BOUND = () -> { };

    private final SwapGate gate;
    private final AtomicBoolean left = new AtomicBoolean();

    private Passage(SwapGate gate) {
        this.gate = gate;
    }

    /**
     * Passes the gate, waiting while a swap holds it closed.
     *
     * @throws InterruptedException if interrupted while waiting; the gate was then not entered
     */
    static Passage enter(SwapGate gate) throws InterruptedException {
        gate.enter();
        return new Passage(gate);
    }

    /** Leaves the gate, the first time only; any thread. */
    void leave() {
        if (left.compareAndSet(false, true)) {
            gate.leave();
        }
    }

    boolean isLeft() {
        return left.get();
    }

    /**
     * The request goes on elsewhere (asynchronously): release the calling container thread from it
     * without leaving. Nothing to do until the engine binds passages to threads.
     */
    void detach() {
    }

    /**
     * Continues the request on the calling thread (an asynchronous dispatch) until the returned
     * binding is closed. Nothing to bind until the engine binds passages to threads.
     */
    Binding attach() {
        return NOTHING_BOUND;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        leave();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        leave();
    }

    @Override
    public void onError(AsyncEvent event) {
        leave();
    }

    /**
     * A new asynchronous cycle of the same request (started in an asynchronous dispatch): listeners
     * of the previous cycle hear nothing of it unless they register again.
     */
    @Override
    public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }

    @Override
    public String toString() {
        return "Passage[left=" + left.get() + "]";
    }
}
