package dev.hotswap.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * {@link PageHashes} in a file, through one window of {@value #WINDOW_BYTES} bytes: the passes of a
 * delta transfer go through the pages in order, so one window is as good as a cache.
 */
final class FilePageHashes implements PageHashes {
    static final int WINDOW_BYTES = 1 << 20;
    private static final int WINDOW_HASHES = WINDOW_BYTES / BYTES;

    private final FileChannel file;
    private final byte[] window = new byte[WINDOW_BYTES];
    private long windowStart = -1;
    private boolean dirty;

    FilePageHashes(FileChannel file) {
        this.file = file;
    }

    @Override
    public void put(long page, byte[] hash, int offset) throws IOException {
        move(page);
        System.arraycopy(hash, offset, window, (int) (page - windowStart) * BYTES, BYTES);
        dirty = true;
    }

    @Override
    public void get(long page, byte[] destination, int offset) throws IOException {
        move(page);
        System.arraycopy(window, (int) (page - windowStart) * BYTES, destination, offset, BYTES);
    }

    private void move(long page) throws IOException {
        if (page < 0) {
            throw new IllegalArgumentException("page " + page + " is negative");
        }
        long start = page - page % WINDOW_HASHES;
        if (start == windowStart) {
            return;
        }
        flush();
        java.util.Arrays.fill(window, (byte) 0);
        ByteBuffer buffer = ByteBuffer.wrap(window);
        long position = start * BYTES;
        while (buffer.hasRemaining()) {
            int n = file.read(buffer, position + buffer.position());
            if (n < 0) {
                break; // past the end: hashes not stored yet read as zeros
            }
        }
        windowStart = start;
    }

    private void flush() throws IOException {
        if (!dirty) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(window);
        long position = windowStart * BYTES;
        while (buffer.hasRemaining()) {
            file.write(buffer, position + buffer.position());
        }
        dirty = false;
    }
}
