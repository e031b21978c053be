package dev.hotswap.engine;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The request gate: every request {@linkplain #enter() enters} it and so pins the generations of
 * the managed databases that are current at that moment; a swap only makes a new generation current
 * for the requests that enter after it. No request ever waits here, and every request sees exactly one
 * generation of each database, however long it runs.
 *
 * <p>Adapters call {@code enter()} before a request and {@link Pin#leave()} exactly once when it
 * completes, possibly on another thread (see {@link Pin} for requests that move between threads):
 * <pre>{@code
 * try (Pin pin = gate.enter()) {
 *     handle(request);   // hotswap.dataSource(...) gives connections of the pinned generations here
 * }
 * }</pre>
 *
 * <p>Why it is cheap: {@code enter} is a volatile read of the current view, one atomic add on a
 * counter cell chosen by the calling thread, a second volatile read, and a thread-local write;
 * {@code leave} is one atomic add and a volatile read. Cells are padded to their own cache lines, so
 * concurrent requests do not contend on one word. See {@link View} for why a swap can tell exactly
 * when the last request of an old generation has left.
 *
 * <p>Entering twice on one thread (nested wrappers) is harmless: the inner pin is bound while it is
 * held and the outer one is bound again when the inner one leaves.
 *
 * <p>Servers that continue a request on threads they do not let an adapter wrap, but carry the
 * request's state there in a context of their own (Vert.x under Quarkus), give the gate a
 * {@link #carrier(Supplier) carrier}: a thread with no bound pin takes the one it finds.
 */
public final class SwapGate {
    private final ThreadLocal<Pin> bound = new ThreadLocal<>();
    /** Asked only where no pin is bound, so that requests with a bound pin never pay for it. */
    private volatile Supplier<Pin> carrier = () -> null;
    /** The current view and every superseded view some request still pins. */
    private final Set<View> live = ConcurrentHashMap.newKeySet();
    private volatile View current;

    SwapGate() {
    }

    /**
     * Pins the calling request to the current generations and binds the pin to the calling thread.
     * Never waits.
     *
     * @throws IllegalStateException if the engine has not started
     */
    public Pin enter() {
        for (;;) {
            View view = current;
            if (view == null) {
                throw new IllegalStateException("hotswap is not started: no database is open yet");
            }
            view.pin();
            if (view == current) {
                Pin outer = bound.get();
                Pin pin = new Pin(this, view, outer != null && !outer.hasLeft() ? outer : null);
                bound.set(pin);
                return pin;
            }
            // A swap made another view current meanwhile: take the pin back and enter that one.
            view.unpin();
        }
    }

    /**
     * The pin of the request the calling thread serves (bound by {@link #enter()} or {@link Pin#run}),
     * or null outside any request: what application code hands to the threads it continues a request
     * on, so that they see the request's generations.
     * <pre>{@code
     * Pin pin = gate.pinned();
     * executor.execute(() -> pin.run(() -> render(report)));
     * }</pre>
     */
    public Pin pinned() {
        Pin pin = bound.get();
        if (pin == null || pin.hasLeft()) {
            pin = carrier.get();
        }
        return pin != null && !pin.hasLeft() ? pin : null;
    }

    /**
     * Where a thread with no pin bound finds the pin of the request it serves: for a server that
     * carries each request's state across the threads it continues the request on (Vert.x's
     * duplicated context), and that an adapter cannot wrap each hop of. {@code carrier} returns the
     * pin of this gate that the calling thread's request holds, or null outside any request; it runs
     * on every connection taken without a bound pin, so it must be cheap and must not throw. Replaces
     * the carrier set before (default: none).
     */
    public void carrier(Supplier<Pin> carrier) {
        this.carrier = Objects.requireNonNull(carrier, "carrier");
    }

    /** Requests between {@link #enter()} and {@link Pin#leave()} now, over all generations. */
    public long inFlight() {
        long sum = 0;
        for (View view : live) {
            sum += view.pinned();
        }
        return sum;
    }

    /** The view new requests pin, or null before the engine starts. */
    View current() {
        return current;
    }

    /** The view the calling thread's request pinned, or the current one outside any request. */
    View routed() {
        Pin pin = pinned();
        return pin != null ? pin.view() : current;
    }

    /** Views still live: the current one and superseded ones not yet released. */
    Set<View> liveViews() {
        return live;
    }

    /**
     * Makes {@code next} the view new requests pin; the previous view is superseded and released
     * once no request pins it (maybe at once). The caller serializes flips (the engine's swap lock).
     *
     * @return the nanoseconds the flip itself took: the longest any request could be delayed by it
     */
    long flip(View next) {
        long start = System.nanoTime();
        View previous = current;
        live.add(next);
        // In this order: a request that still saw the previous view as current has pinned it before
        // it is marked superseded, so no unpin can find it unpinned and release it under that request.
        current = next;
        if (previous != null) {
            previous.supersede();
        }
        long took = System.nanoTime() - start;
        if (previous != null) {
            previous.releaseIfUnpinned();
        }
        return took;
    }

    /** Forgets a released view (called from its release). */
    void released(View view) {
        live.remove(view);
    }

    Pin bound() {
        return bound.get();
    }

    /**
     * Binds {@code pin} to the calling thread, or unbinds with null. Unbinding sets null rather than
     * calling {@code remove()}: on JDK 17 {@code ThreadLocal.remove()} clears its map entry through a
     * native call ({@code Reference.clear0}), about 25 ns on every request's leave (hotswap-bench's
     * gate benchmark); the entry that stays holds null, so no pin outlives its request there.
     */
    void bind(Pin pin) {
        bound.set(pin);
    }
}
