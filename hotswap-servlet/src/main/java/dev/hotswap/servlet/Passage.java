package dev.hotswap.servlet;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import java.io.IOException;

/**
 * One request's passage through the gate: the request's {@link Pin}, taken once when the request
 * enters and released exactly once, on whichever path ends the request first. As an
 * {@link AsyncListener} it follows the request's asynchronous cycles and leaves when one completes,
 * fails or times out. It runs the work the container continues the request with on other threads
 * (an asynchronous dispatch, a read or write listener, {@code AsyncContext.start}) with the pin
 * bound there.
 */
final class Passage implements AsyncListener {
    /** Work of the request that may throw what a filter chain throws. */
    @FunctionalInterface
    interface Work {
        void run() throws IOException, ServletException;
    }

    private final Pin pin;

    private Passage(Pin pin) {
        this.pin = pin;
    }

    /** Pins the request to the current generations, bound to the calling thread. Never waits. */
    static Passage enter(SwapGate gate) {
        return new Passage(gate.enter());
    }

    Pin pin() {
        return pin;
    }

    /** Releases the pin, the first time only; any thread. */
    void leave() {
        pin.leave();
    }

    boolean hasLeft() {
        return pin.hasLeft();
    }

    /** The request goes on elsewhere (asynchronously): the calling container thread lets go of the pin. */
    void detach() {
        pin.unbind();
    }

    /** Runs {@code work} on the calling thread with the request's pin bound, then restores the thread's. */
    void run(Work work) throws IOException, ServletException {
        try {
            pin.call(() -> {
                work.run();
                return null;
            });
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e); // Work throws nothing else; call() only declares Exception
        }
    }

    /** Runs a read or write listener's callback with the request's pin bound, as {@link #run} does. */
    void runListener(Work callback) throws IOException {
        try {
            run(callback);
        } catch (ServletException e) {
            throw new IOException(e); // listener callbacks throw IOException only
        }
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
        return "Passage[left=" + pin.hasLeft() + "]";
    }
}
