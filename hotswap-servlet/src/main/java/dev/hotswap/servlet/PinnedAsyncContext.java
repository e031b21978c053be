package dev.hotswap.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * A request's asynchronous context as the application sees it: tasks it {@linkplain #start starts} run
 * with the request's pin, and the request and response it hands out are the pinned ones when the
 * cycle was started without wrappers of the application's own.
 */
final class PinnedAsyncContext implements AsyncContext {
    private final AsyncContext context;
    private final PinnedRequest request;
    private final PinnedResponse response;
    private final Passage passage;

    PinnedAsyncContext(AsyncContext context, PinnedRequest request, PinnedResponse response, Passage passage) {
        this.context = context;
        this.request = request;
        this.response = response;
        this.passage = passage;
    }

    boolean wraps(AsyncContext other) {
        return context == other;
    }

    @Override
    public void start(Runnable task) {
        context.start(() -> passage.pin().run(task));
    }

    @Override
    public ServletRequest getRequest() {
        return context.hasOriginalRequestAndResponse() ? request : context.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return context.hasOriginalRequestAndResponse() ? response : context.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return context.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        context.dispatch();
    }

    @Override
    public void dispatch(String path) {
        context.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext servletContext, String path) {
        context.dispatch(servletContext, path);
    }

    @Override
    public void complete() {
        context.complete();
    }

    @Override
    public void addListener(AsyncListener listener) {
        context.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest servletRequest, ServletResponse servletResponse) {
        context.addListener(listener, servletRequest, servletResponse);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        return context.createListener(type);
    }

    @Override
    public void setTimeout(long timeout) {
        context.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return context.getTimeout();
    }
}
