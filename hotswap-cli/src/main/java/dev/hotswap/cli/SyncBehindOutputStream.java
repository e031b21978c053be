package dev.hotswap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/**
 * Writes a file channel and, every {@value #STRIDE_MIB} MiB, starts an {@code fdatasync} of what is
 * written so far on a thread of its own. The disk then writes a pulled file while the rest still
 * arrives, and the {@code fsync} before its rename (which durability needs; this replaces none)
 * finds little left to do. A sync that fails here is left to that last one to report.
 */
final class SyncBehindOutputStream extends OutputStream {
    static final int STRIDE_MIB = 64;

    private final FileChannel channel;
    private final long stride;
    private long unsynced;
    private Thread sync;
    private int started;

    SyncBehindOutputStream(FileChannel channel) {
        this(channel, (long) STRIDE_MIB << 20);
    }

    /** Syncs behind every {@code stride} bytes written. */
    SyncBehindOutputStream(FileChannel channel, long stride) {
        this.channel = channel;
        this.stride = stride;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ChannelStreams.writeFully(channel, bytes, offset, length);
        unsynced += length;
        if (unsynced >= stride && (sync == null || !sync.isAlive())) {
            unsynced = 0;
            started++;
            sync = new Thread(this::syncQuietly, "hotswap-sync-behind");
            sync.setDaemon(true);
            sync.start();
        }
    }

    private void syncQuietly() {
        try {
            channel.force(false);
        } catch (IOException e) {
            // The pull's own fsync before the rename runs anyway and reports a failing disk.
        }
    }

    /** How many syncs behind this stream has started. */
    int syncsStarted() {
        return started;
    }

    /** Waits for a sync still running, so that the last {@code fsync} does not queue behind it. */
    void awaitSync() throws IOException {
        Thread running = sync;
        if (running == null) {
            return;
        }
        try {
            running.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while syncing the pulled file");
        }
    }
}
