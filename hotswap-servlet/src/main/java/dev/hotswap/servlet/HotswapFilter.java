package dev.hotswap.servlet;

import dev.hotswap.engine.SwapGate;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Passes every request through the engine's {@link SwapGate}: enters it before the rest of the
 * chain runs and leaves it when the request is over. While a swap holds the gate closed, new
 * requests wait here and then run on the new database.
 *
 * <p>When is a request over? When the chain returns, unless the request went asynchronous
 * ({@code startAsync}): then when its asynchronous cycle completes, fails or times out, as an
 * {@link jakarta.servlet.AsyncListener} hears it, possibly on another thread. An asynchronous
 * dispatch that starts another cycle is followed into it. The gate is left exactly once per
 * request on every path, including a chain that throws (the container then answers 500).
 *
 * <p>Dispatches inside a request that holds the gate (forward, include, asynchronous dispatch) pass
 * straight through, so that no request enters twice (see {@link SwapGate} for why that matters). An
 * error dispatch that comes after the request left (an error page for an exception or
 * {@code sendError}) enters anew, so that error pages that read the database run inside the gate
 * too. Map the filter to every dispatcher type; {@link HotswapServletContext} does.
 *
 * <p>After an asynchronous timeout or error the gate is left when the container reports it, as
 * the response then ends: work the application still runs on its own threads past that point runs
 * outside the gate, and may find its connection closed by a swap.
 *
 * <p>A request interrupted while it waits for a swap to end is answered 503 and never entered.
 * Register the filter with asynchronous support ({@code setAsyncSupported(true)}), or the
 * container refuses {@code startAsync} behind it.
 */
public final class HotswapFilter implements Filter {
    /** The request attribute holding the request's passage through the gate. */
    private static final String PASSAGE = HotswapFilter.class.getName() + ".passage";

    private final SwapGate gate;

    /** A filter on {@code gate}, the engine's ({@code hotswap.gate()}). */
    public HotswapFilter(SwapGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getAttribute(PASSAGE) instanceof Passage current && !current.isLeft()) {
            passThrough(current, request, response, chain);
            return;
        }
        Passage passage;
        try {
            passage = Passage.enter(gate);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refuse((HttpServletResponse) response);
            return;
        }
        request.setAttribute(PASSAGE, passage);
        try {
            chain.doFilter(request, response);
        } finally {
            handOver(passage, request);
        }
    }

    /**
     * Answers 503 without {@code sendError}: an error page would be dispatched through this filter
     * again, and wait for the very swap this request gave up on.
     */
    private static void refuse(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write("interrupted while waiting for a database swap\n");
    }

    private static void passThrough(Passage passage, ServletRequest request, ServletResponse response,
            FilterChain chain) throws IOException, ServletException {
        if (request.getDispatcherType() != DispatcherType.ASYNC) {
            chain.doFilter(request, response);
            return;
        }
        Passage.Binding binding = passage.attach();
        try {
            chain.doFilter(request, response);
        } finally {
            binding.close();
        }
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

    @Override
    public String toString() {
        return "HotswapFilter@" + Integer.toHexString(System.identityHashCode(this));
    }
}
