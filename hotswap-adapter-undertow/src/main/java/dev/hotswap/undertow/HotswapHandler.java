package dev.hotswap.undertow;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;

/**
 * Passes every exchange through the engine's {@link SwapGate}: enters it before {@code next} runs
 * and leaves it when the exchange completes, so that dispatched and asynchronous handlers hold the
 * gate until their response has ended. While a swap holds the gate closed, new exchanges wait here
 * and then run on the new database.
 *
 * <p>Waiting for a swap must never block an XNIO I/O thread, which serves many connections: an
 * exchange arriving on one is first {@linkplain HttpServerExchange#dispatch(HttpHandler) dispatched}
 * to a worker thread, where this handler runs again. The gate is left by an
 * {@linkplain HttpServerExchange#addExchangeCompleteListener exchange completion listener}, exactly
 * once, also when {@code next} throws (Undertow then ends the exchange with 500). An exchange
 * interrupted while it waits for a swap to end is answered 503 and never entered.
 *
 * <p>Wrap the root handler once: an exchange must not pass two gates of the same engine (see
 * {@link SwapGate}). {@link HotswapUndertow#start} does it for you.
 */
public final class HotswapHandler implements HttpHandler {
    private final SwapGate gate;
    private final HttpHandler next;

    /** A gate in front of {@code next}. */
    public HotswapHandler(SwapGate gate, HttpHandler next) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        // Compile fix for #9 on gen-cli only; gen-adapters rewrites this handler.
        Pin pin = gate.enter();
        try {
            exchange.addExchangeCompleteListener((completed, nextListener) -> {
                try {
                    pin.leave();
                } finally {
                    nextListener.proceed();
                }
            });
        } catch (RuntimeException e) {
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
}
