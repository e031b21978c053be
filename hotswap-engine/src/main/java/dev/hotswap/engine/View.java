package dev.hotswap.engine;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The generation of every managed database that a request sees: the current view when it entered
 * the {@link SwapGate gate}. A swap never changes a view; it makes a new one current, and the old
 * one is superseded. A view holds each of its generations (see {@link Generation#tryHold()}) until
 * it is released: superseded, and no request pinned to it any more.
 *
 * <p>Release happens exactly once, and never under a request. The memory-ordering argument, with
 * every access to the counter, to the gate's current view and to {@code superseded} sequentially
 * consistent: a request pins by adding to the counter and then reading the current view; the swap
 * makes another view current, then marks this one superseded, then sums the counter. A request that
 * read this view as current did so before the swap's first write, so its pin came before the
 * {@code superseded} mark and is counted by every sum that follows the mark: by the swap's own, and
 * by the sum of any unpin that saw the mark. A request that read another view takes its pin back,
 * which is an unpin like any other. The last unpin, which reads {@code superseded} after its
 * subtraction, finds the sum zero; of two last unpins, the later one sees the other's subtraction.
 */
final class View {
    private final Generation[] generations;
    private final StripedCounter pins = new StripedCounter();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Consumer<View> onRelease;
    private volatile boolean superseded;
    private volatile long supersededNanos;

    /**
     * A view of {@code generations} (indexed like the engine's databases), each already held for
     * it; {@code onRelease} runs once, on the thread that released the view last.
     */
    View(List<Generation> generations, Consumer<View> onRelease) {
        this.generations = generations.toArray(Generation[]::new);
        this.onRelease = onRelease;
    }

    /** The generation of the database at {@code index}. */
    Generation generation(int index) {
        return generations[index];
    }

    /** The generations of this view, by database index. */
    List<Generation> generations() {
        return List.of(generations);
    }

    void pin() {
        pins.add(1);
    }

    void unpin() {
        pins.add(-1);
        if (superseded) {
            releaseIfUnpinned();
        }
    }

    /** Requests pinned to this view now. */
    long pinned() {
        return pins.sum();
    }

    /** Marks this view as no longer current; called by the swap right after it made another view current. */
    void supersede() {
        supersededNanos = System.nanoTime();
        superseded = true;
    }

    boolean isSuperseded() {
        return superseded;
    }

    /** When {@link #supersede()} was called ({@link System#nanoTime()}), or 0. */
    long supersededNanos() {
        return supersededNanos;
    }

    /** Releases the generations if no request is pinned; the swap calls it once after the flip. */
    void releaseIfUnpinned() {
        if (pins.sum() == 0 && released.compareAndSet(false, true)) {
            onRelease.accept(this);
        }
    }

    boolean isReleased() {
        return released.get();
    }
}
