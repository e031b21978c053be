package dev.hotswap.undertow;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Passes every exchange through the engine's {@link SwapGate}: {@linkplain SwapGate#enter() enters}
 * it before {@code next} runs, which pins the exchange to the generations current at that moment, and
 * leaves it in an {@linkplain HttpServerExchange#addExchangeCompleteListener exchange completion
 * listener}, so that dispatched and asynchronous handlers keep their generation until the exchange
 * has ended. The listener runs exactly once per exchange, also when {@code next} throws (Undertow
 * then ends the exchange with 500). Entering never waits, so this handler runs where Undertow calls
 * it, on an XNIO I/O thread too: it dispatches nothing.
 *
 * <p>Every exchange sees one generation, also where Undertow continues it on other threads. The pin
 * is bound on the calling thread while {@code next} runs and unbound when it returns. What a handler
 * dispatches without naming an executor ({@link HttpServerExchange#dispatch(HttpHandler)},
 * {@link HttpServerExchange#dispatch(Runnable)}: the usual way off the I/O thread before blocking work
 * such as a query, also from the request receiver's callbacks, which Undertow runs as handler calls)
 * goes to the exchange's dispatch executor; this handler makes that an executor that runs each task
 * with the pin bound, in front of the one that was set (by default the connection's XNIO worker).
 * Undertow clears the dispatch executor each time it dispatches, so that executor sets itself again
 * whenever it is used. Work on an executor the application names ({@code dispatch(executor, ...)}),
 * on threads of its own, or in callbacks Undertow runs on the I/O thread outside a handler call (a
 * {@code Sender}'s; blocking work does not belong there anyway) takes the pin along itself:
 * {@code HotswapHandler.pin(exchange).run(...)}.
 *
 * <p>Wrap the root handler once. {@link HotswapUndertow#start} does it for you.
 */
public final class HotswapHandler implements HttpHandler {
    private static final AttachmentKey<Pin> PIN = AttachmentKey.create(Pin.class);

    private final SwapGate gate;
    private final HttpHandler next;

    /** A gate in front of {@code next}. */
    public HotswapHandler(SwapGate gate, HttpHandler next) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.next = Objects.requireNonNull(next, "next");
    }

    /**
     * The pin of {@code exchange}, for work the application runs on threads of its own:
     * {@code HotswapHandler.pin(exchange).run(() -> ...)}. Leaving it is this handler's job.
     *
     * @throws IllegalArgumentException if the exchange did not pass a {@code HotswapHandler}
     */
    public static Pin pin(HttpServerExchange exchange) {
        Pin pin = exchange.getAttachment(PIN);
        if (pin == null) {
            throw new IllegalArgumentException("exchange " + exchange + " did not pass a HotswapHandler");
        }
        return pin;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Pin pin = gate.enter();
        try {
            exchange.addExchangeCompleteListener((completed, nextListener) -> {
                pin.leave();
                nextListener.proceed();
            });
            exchange.putAttachment(PIN, pin);
            exchange.setDispatchExecutor(new PinningExecutor(exchange, pin, exchange.getDispatchExecutor()));
        } catch (RuntimeException | Error e) {
            // Nothing of the exchange ran yet; Undertow ends it with 500.
            pin.leave();
            throw e;
        }
        try {
            next.handleRequest(exchange);
        } finally {
            pin.unbind();
        }
    }

    /** The handler behind the gate. */
    public HttpHandler getNext() {
        return next;
    }

    @Override
    public String toString() {
        return "HotswapHandler[" + next + "]";
    }

    /**
     * The exchange's dispatch executor while this handler's exchange runs: runs each task with the pin
     * bound, on {@code target} (or the connection's worker), and sets itself as the dispatch executor
     * again first, since Undertow clears it before it dispatches.
     */
    private static final class PinningExecutor implements Executor {
        private final HttpServerExchange exchange;
        private final Pin pin;
        private final Executor target;

        PinningExecutor(HttpServerExchange exchange, Pin pin, Executor target) {
            this.exchange = exchange;
            this.pin = pin;
            this.target = target;
        }

        @Override
        public void execute(Runnable task) {
            exchange.setDispatchExecutor(this);
            Executor executor = target != null ? target : exchange.getConnection().getWorker();
            executor.execute(() -> pin.run(task));
        }
    }
}
