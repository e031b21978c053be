package dev.hotswap.servlet;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Passes every request through the engine's {@link SwapGate}: pins it to the generations current
 * when it arrives ({@link SwapGate#enter()}, which never waits) and releases the pin when the request
 * is over, so that it sees one generation of each database however long it runs and whichever swaps
 * land meanwhile.
 *
 * <p>When is a request over? When the chain returns, unless the request went asynchronous
 * ({@code startAsync}): then when its asynchronous cycle completes, fails or times out, as an
 * {@link jakarta.servlet.AsyncListener} hears it, possibly on another thread. An asynchronous
 * dispatch that starts another cycle is followed into it. The pin is released exactly once per
 * request on every path, including a chain that throws (the container then answers 500).
 *
 * <p>Threads: the filter binds the pin to the container thread that runs the chain, and to every
 * thread the container continues the request on: asynchronous dispatches, {@code ReadListener} and
 * {@code WriteListener} callbacks, and tasks given to {@code AsyncContext.start} (it passes the chain
 * a request and response that wrap those). Work the application moves to threads of its own takes
 * the pin along: {@code HotswapFilter.pin(request).run(() -> ...)}, or {@link SwapGate#pinned()} on
 * the request's thread.
 *
 * <p>Dispatches inside a request that holds its pin (forward, include, asynchronous dispatch) pass
 * through without entering again. An error dispatch after the request's pin was released (an error
 * page for an exception or {@code sendError}) enters anew. Map the filter to every dispatcher type,
 * with asynchronous support; {@link HotswapServletContext} does.
 */
public final class HotswapFilter implements Filter {
    /** The request attribute holding the request's passage through the gate. */
    private static final String PASSAGE = HotswapFilter.class.getName() + ".passage";

    private final SwapGate gate;

    /** A filter on {@code gate}, the engine's ({@code hotswap.gate()}). */
    public HotswapFilter(SwapGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /**
     * The pin of {@code request}, for work the application continues the request with on threads of
     * its own: {@code HotswapFilter.pin(request).run(() -> ...)}.
     *
     * @throws IllegalStateException if the request did not pass a {@code HotswapFilter}, or is over
     */
    public static Pin pin(ServletRequest request) {
        if (request.getAttribute(PASSAGE) instanceof Passage passage && !passage.hasLeft()) {
            return passage.pin();
        }
        throw new IllegalStateException("the request holds no hotswap pin: it did not pass a HotswapFilter,"
                + " or it is over");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getAttribute(PASSAGE) instanceof Passage current && !current.hasLeft()) {
            passThrough(current, request, response, chain);
            return;
        }
        Passage passage = Passage.enter(gate);
        request.setAttribute(PASSAGE, passage);
        try {
            wrapped(passage, request, response, chain);
        } finally {
            handOver(passage, request);
        }
    }

    /**
     * A dispatch of a request that holds its pin. A forward or include runs on the request's own
     * thread, where the pin is bound; an asynchronous dispatch runs on another container thread, so
     * it runs with the pin bound there.
     */
    private static void passThrough(Passage passage, ServletRequest request, ServletResponse response,
            FilterChain chain) throws IOException, ServletException {
        if (request.getDispatcherType() != DispatcherType.ASYNC) {
            chain.doFilter(request, response);
            return;
        }
        passage.run(() -> wrapped(passage, request, response, chain));
    }

    /**
     * The chain has returned (or thrown): leave now, or hand the passage to the asynchronous cycle
     * the request started. {@code isAsyncStarted()} is false again once the application has called
     * {@code complete()} or {@code dispatch()}: leaving now is then right, as the container runs a
     * dispatch only after this thread has returned, and it enters anew.
     */
    private static void handOver(Passage passage, ServletRequest request) {
        if (!request.isAsyncStarted()) {
            passage.leave();
            return;
        }
        try {
            request.getAsyncContext().addListener(passage);
            passage.detach();
        } catch (IllegalStateException cycleOver) {
            passage.leave();
        }
    }

    /**
     * Runs the chain with a request and response whose read and write listeners and
     * {@code AsyncContext.start} tasks run with the request's pin (HTTP requests only).
     */
    private static void wrapped(Passage passage, ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest httpRequest && response instanceof HttpServletResponse httpResponse) {
            PinnedResponse pinnedResponse = new PinnedResponse(httpResponse, passage);
            chain.doFilter(new PinnedRequest(httpRequest, pinnedResponse, passage), pinnedResponse);
        } else {
            chain.doFilter(request, response);
        }
    }

    @Override
    public String toString() {
        return "HotswapFilter@" + Integer.toHexString(System.identityHashCode(this));
    }
}
