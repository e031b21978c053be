package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The whole file as a stream: read to its end into the candidate. One bounded buffer, reused: a
 * push of any size costs the host application {@value #BUFFER_BYTES} bytes of heap here, not
 * memory in proportion to the file.
 */
final class StreamReceiver implements CandidateReceiver {
    static final int BUFFER_BYTES = 1 << 20;

    private final InputStream content;

    StreamReceiver(InputStream content) {
        this.content = content;
    }

    @Override
    public long receiveInto(Path target, Progress progress) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
            channel.truncate(0);
            return copy(content, channel);
        }
    }

    /**
     * Copies {@code in} to its end into {@code channel} from its position; returns the byte count.
     * Each read (a data frame's payload, up to 256 KiB) is written before the next one, so that what
     * was read is on its way to the disk: the disk budget's guard counts on that.
     */
    static long copy(InputStream in, FileChannel channel) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long bytes = 0;
        for (int n; (n = in.read(buffer, 0, buffer.length)) != -1;) {
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
            bytes += n;
        }
        return bytes;
    }
}
