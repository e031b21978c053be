package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel whose growth is reported to a {@link DiskClaim}, for writers that take a channel
 * (a delta's patch, a page hash file): a page written past the end counts, one written in place
 * does not, a truncation gives its bytes back. Not for kernel copies: {@code transferTo} into it
 * loses the kernel's fast path, so those report to the claim themselves.
 */
final class ClaimedFileChannel extends FileChannel {
    private final FileChannel file;
    private final DiskClaim claim;

    ClaimedFileChannel(FileChannel file, DiskClaim claim) {
        this.file = file;
        this.claim = claim;
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
        long before = file.size();
        int n = file.write(source, position);
        claim.wrote(Math.max(0, position + n - before));
        return n;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return (int) grown(() -> file.write(source));
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        return grown(() -> file.write(sources, offset, length));
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
        long before = file.size();
        long n = file.transferFrom(source, position, count);
        claim.wrote(Math.max(0, position + n - before));
        return n;
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        long before = file.size();
        file.truncate(size);
        claim.freed(Math.max(0, before - file.size()));
        return this;
    }

    /** Runs a write at the channel's position and reports what the file grew by. */
    private long grown(Write write) throws IOException {
        long before = file.size();
        long n = write.run();
        claim.wrote(Math.max(0, file.size() - before));
        return n;
    }

    @FunctionalInterface
    private interface Write {
        long run() throws IOException;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return file.read(destination);
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        return file.read(destinations, offset, length);
    }

    @Override
    public int read(ByteBuffer destination, long position) throws IOException {
        return file.read(destination, position);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long position) throws IOException {
        file.position(position);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return file.transferTo(position, count, target);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        throw new UnsupportedOperationException("a mapped write would bypass the disk claim");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
