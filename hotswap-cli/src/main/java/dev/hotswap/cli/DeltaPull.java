package dev.hotswap.cli;

import dev.hotswap.protocol.Base;
import dev.hotswap.protocol.DeltaBase;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.PageDigests;
import dev.hotswap.protocol.PageHashes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The delta side of a pull into a file that already holds a database ({@code docs/protocol.md}):
 * its size is offered at once ({@code BASE}), the destination is copied into the pull's temporary
 * file and hashed in the same pass, each block's hash offered as soon as the block is copied, and
 * the pages the server sends are patched into the copy, which must then have the snapshot's digest. The destination itself is only read; it is replaced, as by any pull, once the
 * patched copy is complete, verified and confirmed.
 */
final class DeltaPull {
    private static final int READ_BYTES = 1 << 20;

    private final Connection connection;
    private final Reporter reporter;
    private final LocalDatabase copy;
    private final DeltaBase delta;

    /** What the patch did, for the status line. */
    record Result(long pageCount, long pagesReceived, long bytesReceived, long wireBytes) {
    }

    DeltaPull(Connection connection, Reporter reporter, LocalDatabase copy) {
        this.connection = connection;
        this.reporter = reporter;
        this.copy = copy;
        this.delta = new DeltaBase(connection.reader(), connection.writer(), FrameType.DATA_OUT,
                frame -> Connection.relay(frame, reporter));
    }

    /** Offers nothing (the destination holds no database): the whole snapshot follows. */
    static void offerNothing(Connection connection) throws CommandFailure {
        try {
            new DeltaBase(connection.reader(), connection.writer(), FrameType.DATA_OUT, frame -> { }).offerNothing(4096);
        } catch (IOException e) {
            throw CommandFailure.of(e);
        }
    }

    /**
     * Copies and hashes the destination into {@code temp}, offers it, and patches it if the server
     * sends a delta.
     *
     * @return the patch, or {@code null} if the server sends the whole snapshot instead (read it
     *     as a plain pull; {@code temp} must be truncated first)
     * @throws IOException from the connection
     */
    Result run(FileChannel temp) throws IOException, CommandFailure {
        PageHashes hashes = PageHashes.inMemory();
        PageDigests digests = new PageDigests();
        // The copy is synced behind as it is written: the disk writes it while the server hashes
        // its snapshot and the pages come, not all in the fsync before the rename.
        SyncBehindOutputStream copied = new SyncBehindOutputStream(temp);
        // BASE first: the server then knows before it hashes its snapshot that there is a copy to
        // compare with, and hashes it while this side copies and hashes the old one.
        Base base = Base.of(copy.pageSize(), copy.pageCount());
        delta.offerBase(base);
        copyAndHash(base, copied, hashes, digests);
        delta.endBlocks();
        if (!delta.sourceChoseDelta()) {
            copied.awaitSync(); // the whole snapshot replaces the copy
            return null;
        }
        delta.answerWants(base, hashes);
        reporter.startPages("patch", -1);
        DeltaBase.Patched patched = delta.patch(base, temp, hashes, digests, reporter::pagesSent);
        copied.awaitSync();
        return new Result(patched.pageCount(), patched.pagesReceived(), patched.bytesReceived(), patched.wireBytes());
    }

    /**
     * Copies the old copy into {@code temp}, hashing its pages, and offers each block's hash as
     * soon as its pages are in: the server times our offer by its idle timeout, and a big copy
     * must not look like silence.
     *
     * @throws IOException from the connection
     * @throws CommandFailure if the old copy cannot be read or its copy written
     */
    private void copyAndHash(Base base, OutputStream temp, PageHashes hashes, PageDigests digests)
            throws IOException, CommandFailure {
        int pageSize = copy.pageSize();
        byte[] bytes = new byte[Math.max(pageSize, READ_BYTES / pageSize * pageSize)];
        byte[] hash = new byte[PageHashes.BYTES];
        long page = 0;
        long block = 0;
        try (FileChannel file = open()) {
            while (page < copy.pageCount()) {
                int pages = (int) Math.min(bytes.length / pageSize, copy.pageCount() - page);
                read(file, ByteBuffer.wrap(bytes, 0, pages * pageSize), page * pageSize);
                for (int i = 0; i < pages; i++) {
                    digests.pageHash(bytes, i * pageSize, pageSize, hash, 0);
                    hashes.put(page + i, hash, 0);
                }
                try {
                    temp.write(bytes, 0, pages * pageSize);
                } catch (IOException e) {
                    throw CommandFailure.failed("cannot write the copy of " + copy.file() + " beside it: "
                            + CommandFailure.reason(e));
                }
                page += pages;
                for (; block < base.blockCount() && Math.min((block + 1) * base.blockPages(), base.pageCount()) <= page;
                        block++) {
                    delta.offerBlock(base, block, hashes, digests);
                }
            }
        } catch (ReadFailure e) {
            throw CommandFailure.failed("cannot read " + copy.file() + ": " + CommandFailure.reason(e.cause));
        }
    }

    private FileChannel open() throws ReadFailure {
        try {
            return FileChannel.open(copy.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ReadFailure(e);
        }
    }

    private static void read(FileChannel file, ByteBuffer buffer, long position) throws ReadFailure {
        try {
            while (buffer.hasRemaining()) {
                if (file.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("it shrank while it was read");
                }
            }
        } catch (IOException e) {
            throw new ReadFailure(e);
        }
    }

    /** Reading the old copy failed, as opposed to the connection. */
    private static final class ReadFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient IOException cause;

        ReadFailure(IOException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
