package dev.hotswap.micronaut;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.context.event.HttpRequestTerminatedEvent;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Passes every request through the engine's {@link SwapGate}: {@linkplain SwapGate#enter() enters}
 * it before any other filter and the route, which pins the request to the generations current at
 * that moment, and leaves it when the server is done with the request: when Micronaut publishes the
 * request's {@link HttpRequestTerminatedEvent}, which it does exactly once per request, after the last
 * byte of the response (streamed ones too) was handed to the connection, or when the connection
 * closed first (a client that went away mid-body or mid-response), whether the route answered,
 * threw or failed its publisher.
 *
 * <p>The pin travels in Micronaut's propagated context ({@link PinnedRequest}), not in a thread
 * local of the event loop: so it is bound wherever Micronaut continues the request ({@code @ExecuteOn}
 * executors, {@code Publisher}, {@code Mono} and {@code CompletableFuture} results, exception
 * handlers: Micronaut brings the context into scope when it subscribes to a result and around its
 * signals) and nowhere else. The event loop itself keeps no binding between requests. Work that runs
 * outside those scopes takes the context along, the Micronaut way, {@code PropagatedContext.wrapCurrent(task)}
 * (or {@link #pin(HttpRequest)}{@code .run(task)}): on threads of the application's own, and the
 * parts of a streamed body that a lazy publisher makes only when the server asks for them (Micronaut
 * asks on the event loop, outside the request's context):
 * <pre>{@code
 * return Flux.concat(Mono.just(header), Mono.fromCallable(PropagatedContext.wrapCurrent(this::readRows)));
 * }</pre>
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(beans = Hotswap.class)
@Requires(property = HotswapServerFilter.ENABLED, notEquals = StringUtils.FALSE)
public final class HotswapServerFilter implements Ordered, ApplicationEventListener<HttpRequestTerminatedEvent> {
    /**
     * {@code hotswap.filter.enabled=false} leaves the filter out: requests are then not pinned, and
     * one request may read two generations across a swap. For a benchmark's baseline, or an
     * application that gates its requests itself.
     */
    public static final String ENABLED = HotswapConfiguration.PREFIX + ".filter.enabled";

    /** The request attribute that holds the request's {@link Pin}. */
    public static final String PIN_ATTRIBUTE = "dev.hotswap.pin";

    private final SwapGate gate;

    /** The gate of {@code hotswap}. */
    public HotswapServerFilter(Hotswap hotswap) {
        this.gate = hotswap.gate();
    }

    /**
     * The pin of {@code request}, for work the application runs on threads of its own:
     * {@code HotswapServerFilter.pin(request).run(() -> ...)}. Leaving it is this filter's job.
     *
     * @throws IllegalArgumentException if the request did not pass this filter
     */
    public static Pin pin(HttpRequest<?> request) {
        return request.getAttribute(PIN_ATTRIBUTE, Pin.class).orElseThrow(
                () -> new IllegalArgumentException("request " + request + " did not pass the HotswapServerFilter"));
    }

    /** Enters the gate, and puts the pin in the request's propagated context. */
    @RequestFilter
    public void enter(HttpRequest<?> request, MutablePropagatedContext context) {
        Pin pin = gate.enter();
        // Bound only where the context is in scope: never left on the event loop for the next request.
        pin.unbind();
        request.setAttribute(PIN_ATTRIBUTE, pin);
        context.add(new PinnedRequest(pin));
    }

    /** Leaves the gate once the server is done with the request. */
    @Override
    public void onApplicationEvent(HttpRequestTerminatedEvent event) {
        event.getSource().getAttribute(PIN_ATTRIBUTE, Pin.class).ifPresent(Pin::leave);
    }

    /** First of all filters, so that every other filter (security, sessions) runs inside the gate. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
