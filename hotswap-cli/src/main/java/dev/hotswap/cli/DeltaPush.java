package dev.hotswap.cli;

import dev.hotswap.protocol.Base;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.DeltaSource;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.PageDigests;
import dev.hotswap.protocol.PageHashes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The delta side of a push ({@code docs/protocol.md}): the local file's pages are hashed in the
 * background, on one thread per core ({@link ParallelHashing}), from {@code READY} (while the server
 * copies the live database), or, when DST is on another host, from before the connection (while
 * ssh and the remote relay start: see {@link DeltaOffer}); then compared with the server's hashes,
 * block by block and page by page; only the pages that differ are sent. If the server's copy does
 * not fit (another page size), the whole file goes instead.
 */
final class DeltaPush {
    /** Hashing passes started by this process: tests check that a pull starts none. */
    static final LongAdder HASHINGS_STARTED = new LongAdder();

    private final LocalDatabase source;
    private final PageDigests digests = new PageDigests();
    private final CompletableFuture<PageHashes> hashing = new CompletableFuture<>();

    private DeltaPush(LocalDatabase source) {
        this.source = source;
    }

    /** Starts hashing {@code source}: once the server said push, or before, once it is certain. */
    static DeltaPush start(LocalDatabase source) {
        DeltaPush push = new DeltaPush(source);
        HASHINGS_STARTED.increment();
        Thread thread = new Thread(push::hash, "hotswap-hash");
        thread.setDaemon(true);
        thread.start();
        return push;
    }

    /**
     * After {@code READY 'I'} to an offer made for a pull (SRC is no local database): reads the
     * server's offer and declines it, so that the whole file can follow.
     */
    static void decline(Connection connection, Reporter reporter) throws CommandFailure {
        DeltaSource delta = new DeltaSource(connection.reader(), connection.writer(), FrameType.DATA_IN,
                frame -> Connection.relay(frame, reporter));
        try {
            delta.decline(delta.readBase());
        } catch (IOException e) {
            throw CommandFailure.of(e);
        }
    }

    /** The page size the request offers. */
    int pageSize() {
        return source.pageSize();
    }

    /** The file being hashed, as it was read when hashing started. */
    LocalDatabase source() {
        return source;
    }

    private void hash() {
        try (FileChannel file = FileChannel.open(source.file(), StandardOpenOption.READ)) {
            hashing.complete(ParallelHashing.hash(file, source.pageSize(), source.pageCount(), ParallelHashing.threads()));
        } catch (IOException | RuntimeException e) {
            hashing.completeExceptionally(e);
        }
    }

    /**
     * After {@code READY 'I'}: reads the server's offer and compares.
     *
     * @return the pages to send, or {@code null} if the whole file goes instead
     */
    DeltaSource.Plan negotiate(Connection connection, Reporter reporter) throws CommandFailure {
        DeltaSource delta = new DeltaSource(connection.reader(), connection.writer(), FrameType.DATA_IN,
                frame -> Connection.relay(frame, reporter));
        try {
            Base base = delta.readBase();
            if (!DeltaSource.usable(base, source.pageSize(), source.pageCount())) {
                delta.decline(base);
                reporter.status("Sending the whole file: the live database has " + base.pageCount() + " pages of "
                        + base.pageSize() + " bytes, " + source.file() + " pages of " + source.pageSize());
                return null;
            }
            PageHashes hashes = hashes();
            reporter.startPages("compare", source.pageCount());
            return delta.compare(base, source.pageCount(), hashes, digests, reporter::pagesCompared);
        } catch (IOException e) {
            throw CommandFailure.of(e);
        }
    }

    /** Sends the pages of {@code plan} in {@code upload} and finishes it. */
    DeltaSource.Sent stream(DeltaSource.Plan plan, DataFrameOutputStream upload, Reporter reporter) throws IOException, CommandFailure {
        try (FileChannel file = FileChannel.open(source.file(), StandardOpenOption.READ)) {
            return DeltaSource.stream(plan, file, upload, hashes(), digests, reporter::pagesSent);
        }
    }

    private PageHashes hashes() throws CommandFailure {
        try {
            return hashing.join();
        } catch (CompletionException e) {
            throw CommandFailure.failed("cannot read " + source.file() + ": "
                    + (e.getCause() instanceof IOException io ? CommandFailure.reason(io) : String.valueOf(e.getCause())));
        }
    }
}
