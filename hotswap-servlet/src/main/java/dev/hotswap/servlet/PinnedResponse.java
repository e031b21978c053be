package dev.hotswap.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.ByteBuffer;

/** The response as the filter passes it on: its {@link WriteListener} callbacks run with the request's pin. */
final class PinnedResponse extends HttpServletResponseWrapper {
    private final Passage passage;
    private Output output;

    PinnedResponse(HttpServletResponse response, Passage passage) {
        super(response);
        this.passage = passage;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        ServletOutputStream body = super.getOutputStream();
        if (output == null || output.body != body) {
            output = new Output(body, passage);
        }
        return output;
    }

    /** The body, whose write listener runs with the request's pin. */
    private static final class Output extends ServletOutputStream {
        final ServletOutputStream body;
        private final Passage passage;

        Output(ServletOutputStream body, Passage passage) {
            this.body = body;
            this.passage = passage;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            body.setWriteListener(new WriteListener() {
                @Override
                public void onWritePossible() throws IOException {
                    passage.runListener(listener::onWritePossible);
                }

                @Override
                public void onError(Throwable failure) {
                    passage.pin().run(() -> listener.onError(failure));
                }
            });
        }

        @Override
        public boolean isReady() {
            return body.isReady();
        }

        @Override
        public void write(int b) throws IOException {
            body.write(b);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            body.write(buffer, offset, length);
        }

        @Override
        public void write(ByteBuffer buffer) throws IOException {
            body.write(buffer);
        }

        @Override
        public void flush() throws IOException {
            body.flush();
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
