package dev.hotswap.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The request as the filter passes it on: its body's {@link ReadListener} callbacks, and the tasks its
 * {@link AsyncContext} starts, run with the request's pin, as the container runs them on threads of
 * its own.
 */
final class PinnedRequest extends HttpServletRequestWrapper {
    private final PinnedResponse response;
    private final Passage passage;
    private Input input;
    private PinnedAsyncContext async;

    PinnedRequest(HttpServletRequest request, PinnedResponse response, Passage passage) {
        super(request);
        this.response = response;
        this.passage = passage;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        ServletInputStream body = super.getInputStream();
        if (input == null || input.body != body) {
            input = new Input(body, passage);
        }
        return input;
    }

    @Override
    public AsyncContext startAsync() {
        return pinned(super.startAsync());
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return pinned(super.startAsync(request, response));
    }

    @Override
    public AsyncContext getAsyncContext() {
        return pinned(super.getAsyncContext());
    }

    /** One wrapper per asynchronous cycle, so that the application gets the same context each time. */
    private AsyncContext pinned(AsyncContext context) {
        if (async == null || !async.wraps(context)) {
            async = new PinnedAsyncContext(context, this, response, passage);
        }
        return async;
    }

    /** The body, whose read listener runs with the request's pin. */
    private static final class Input extends ServletInputStream {
        final ServletInputStream body;
        private final Passage passage;

        Input(ServletInputStream body, Passage passage) {
            this.body = body;
            this.passage = passage;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            body.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    passage.runListener(listener::onDataAvailable);
                }

                @Override
                public void onAllDataRead() throws IOException {
                    passage.runListener(listener::onAllDataRead);
                }

                @Override
                public void onError(Throwable failure) {
                    passage.pin().run(() -> listener.onError(failure));
                }
            });
        }

        @Override
        public boolean isFinished() {
            return body.isFinished();
        }

        @Override
        public boolean isReady() {
            return body.isReady();
        }

        @Override
        public int read() throws IOException {
            return body.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return body.read(buffer, offset, length);
        }

        @Override
        public int read(ByteBuffer buffer) throws IOException {
            return body.read(buffer);
        }

        @Override
        public int readLine(byte[] buffer, int offset, int length) throws IOException {
            return body.readLine(buffer, offset, length);
        }

        @Override
        public int available() throws IOException {
            return body.available();
        }

        @Override
        public long skip(long n) throws IOException {
            return body.skip(n);
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
