package dev.hotswap.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request's hold on the generations that were current when it entered the {@link SwapGate}: while
 * it is held, those generations stay open, and connections taken through the engine's data sources on
 * a thread the pin is bound to come from them, however many swaps happen meanwhile.
 *
 * <p>{@link SwapGate#enter()} binds the new pin to the calling thread. A request that continues on
 * another thread runs that work through {@link #run} or {@link #call}, which bind it there; a request
 * that completes elsewhere {@link #unbind() unbinds} it from the entering thread when that thread is
 * done with it. Leaving releases the pin once, from any thread; a pin that has left is ignored where
 * it is still bound.
 * <pre>{@code
 * try (Pin pin = gate.enter()) {          // synchronous request
 *     handle(request);
 * }
 *
 * Pin pin = gate.enter();                 // asynchronous request
 * executor.execute(() -> {
 *     try {
 *         pin.run(() -> handle(request));
 *     } finally {
 *         pin.leave();
 *     }
 * });
 * pin.unbind();
 * }</pre>
 */
public final class Pin implements AutoCloseable {
    private final SwapGate gate;
    private final View view;
    private final AtomicBoolean left = new AtomicBoolean();
    /** The pin bound on the entering thread before this one (nested gates), restored when this one goes. */
    private volatile Pin outer;

    Pin(SwapGate gate, View view, Pin outer) {
        this.gate = gate;
        this.view = view;
        this.outer = outer;
    }

    /**
     * Releases the pin: its generations may retire once no other request holds them. Only the first
     * call counts; any thread may make it. If the pin is bound to the calling thread, it is unbound.
     */
    public void leave() {
        if (left.compareAndSet(false, true)) {
            view.unpin();
        }
        unbind();
        outer = null;
    }

    /** Same as {@link #leave()}, for try-with-resources. */
    @Override
    public void close() {
        leave();
    }

    /**
     * Runs {@code task} on the calling thread with this pin bound: connections it takes come from the
     * pinned generations. Restores what the thread had bound before.
     */
    public void run(Runnable task) {
        Pin previous = gate.bound();
        gate.bind(this);
        try {
            task.run();
        } finally {
            gate.bind(previous);
        }
    }

    /**
     * Calls {@code task} on the calling thread with this pin bound, as {@link #run} does.
     *
     * @throws Exception whatever {@code task} throws
     */
    public <T> T call(Callable<T> task) throws Exception {
        Pin previous = gate.bound();
        gate.bind(this);
        try {
            return task.call();
        } finally {
            gate.bind(previous);
        }
    }

    /**
     * Removes this pin from the calling thread, if bound there, without leaving: for a request that
     * the entering thread hands over to another thread.
     */
    public void unbind() {
        if (gate.bound() == this) {
            Pin restore = outer;
            gate.bind(restore != null && !restore.hasLeft() ? restore : null);
        }
    }

    /** Whether {@link #leave()} was called. */
    public boolean hasLeft() {
        return left.get();
    }

    View view() {
        return view;
    }
}
