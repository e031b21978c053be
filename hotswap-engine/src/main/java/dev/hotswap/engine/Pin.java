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
     * Binds this pin to the calling thread until the returned binding is {@linkplain Binding#close()
     * closed}, which restores what the thread had bound before. For a framework that continues a request
     * on a thread of its own between two callbacks, one before the work and one after it, and so cannot
     * wrap the work in {@link #run} (Spring MVC's {@code CallableProcessingInterceptor}): bind in the
     * first, close in the second, on the same thread. Where the work is one task, {@link #run} and
     * {@link #call} do both.
     * <pre>{@code
     * try (Pin.Binding binding = pin.bind()) {
     *     handle(request);
     * }
     * }</pre>
     */
    public Binding bind() {
        Binding binding = new Binding(this, gate.bound(), Thread.currentThread());
        gate.bind(this);
        return binding;
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

    /**
     * A pin bound to one thread by {@link Pin#bind()}, until it is closed on that thread. Closing it on
     * another thread would rebind that thread instead, so it is refused.
     */
    public static final class Binding implements AutoCloseable {
        private final Pin pin;
        /** What the thread had bound before (another request's pin, or null), restored by close. */
        private final Pin previous;
        private final Thread thread;
        /** Only the first close restores: a second one must not undo a later binding of the thread. */
        private boolean closed;

        private Binding(Pin pin, Pin previous, Thread thread) {
            this.pin = pin;
            this.previous = previous;
            this.thread = thread;
        }

        /**
         * Restores what the thread had bound before {@link Pin#bind()}; only the first call counts.
         *
         * @throws IllegalStateException if called on another thread than the one that bound the pin
         */
        @Override
        public void close() {
            Thread caller = Thread.currentThread();
            if (caller != thread) {
                throw new IllegalStateException("a pin bound on thread " + thread.getName()
                        + " must be unbound there, not on " + caller.getName());
            }
            if (!closed) {
                closed = true;
                pin.gate.bind(previous);
            }
        }
    }
}
