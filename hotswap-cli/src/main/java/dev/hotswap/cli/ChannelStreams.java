package dev.hotswap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Blocking streams over a socket channel that call its {@code read} and {@code write} directly.
 * {@link java.nio.channels.Channels#newInputStream} would serialise them on the channel's blocking
 * lock, and a conversation reads (the server's STATUS lines) while another thread writes (an upload).
 */
final class ChannelStreams {
    private ChannelStreams() {
    }

    /** Writes all of {@code length} bytes of {@code bytes} from {@code offset} to a blocking channel. */
    static void writeFully(WritableByteChannel channel, byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads a blocking socket channel without taking its blocking lock. */
    static final class In extends InputStream {
        private final SocketChannel channel;

        In(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return 0;
            }
            return channel.read(ByteBuffer.wrap(bytes, offset, length));
        }
    }

    /** Writes a blocking socket channel without taking its blocking lock. */
    static final class Out extends OutputStream {
        private final SocketChannel channel;

        Out(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            writeFully(channel, bytes, offset, length);
        }
    }
}
