package dev.hotswap.engine;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.nio.file.StandardOpenOption;

import dev.hotswap.protocol.Base;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.DeltaSource;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.PageDigests;

/**
 * A pull whose client offered its old copy ({@code docs/protocol.md}): the snapshot's pages are
 * hashed and compared with the client's, and only the pages that differ are sent. The client's
 * offer is its own work (it copies and hashes its old copy meanwhile): it must keep sending as it
 * prepares it, and one that falls silent for the idle timeout is told so, by name.
 */
final class DeltaPullSender {
    private static final System.Logger LOG = System.getLogger(DeltaPullSender.class.getName());

    private final ManagedDatabase db;
    private final FrameReader in;
    private final FrameWriter out;
    private final DeltaSource delta;
    private final DiskBudget budget;
    private final Duration idleTimeout;

    /** The client sent nothing for a whole idle timeout while it offered its old copy. */
    static final class OfferStalledException extends IOException {
        private static final long serialVersionUID = 1L;

        OfferStalledException(String message, SocketTimeoutException cause) {
            super(message, cause);
        }
    }

    /**
     * {@code budget}: where the page hash file's bytes are claimed; {@code idleTimeout}: the
     * connection's read timeout, for the message when the client's offer stalls.
     */
    DeltaPullSender(ManagedDatabase db, FrameReader in, FrameWriter out, DiskBudget budget, Duration idleTimeout) {
        this.db = db;
        this.in = in;
        this.budget = budget;
        this.idleTimeout = idleTimeout;
        this.out = out;
        this.delta = new DeltaSource(in, out, FrameType.DATA_OUT, frame -> { });
    }

    /**
     * Reads the client's offer and, if a delta pays, sends the delta of {@code snapshot}.
     *
     * @return false if the offer was declined: the caller sends the whole snapshot
     * @throws OfferStalledException if the client fell silent while offering: send the reason,
     *     then {@link #hearOutTheOffer}
     */
    boolean send(Snapshot snapshot, Progress progress) throws IOException {
        DatabaseHeader header = DatabaseHeader.read(snapshot.file());
        int pageSize = header == null ? 0 : header.pageSize();
        long pages = pageSize == 0 ? 0 : snapshot.length() / pageSize;
        // The client sends its BASE first, before it copies and hashes its old copy: an offer of
        // none (a pull by path into a new file offers a delta before it knows it pulls) or of
        // another page size needs no hashes here either.
        Base base = fromTheOffer(delta::readBase);
        if (!DeltaSource.usable(base, pageSize, pages)) {
            fromTheOffer(() -> {
                delta.decline(base);
                return base;
            });
            if (base.pageCount() > 0) {
                progress.status("whole file: the copy offered has " + base.pageCount() + " pages of "
                        + base.pageSize() + " bytes, the snapshot pages of " + pageSize);
            }
            return false;
        }
        try (DiskClaim claim = budget.claim("the page hashes", db.folder().path(), PageHashFile.bytes(pages));
                FileChannel file = FileChannel.open(snapshot.file(), StandardOpenOption.READ);
                PageHashFile hashes = PageHashFile.create(db.folder(), claim)) {
            long start = System.nanoTime();
            progress.phase("compare");
            // Hashed before the offer's hashes are read: the client copies and hashes its old copy
            // meanwhile, so the two passes run side by side.
            PageDigests digests = new PageDigests();
            digests.hashFile(file, pageSize, pages, hashes.hashes(), PageDigests.Counter.NONE);
            DeltaSource.Plan plan = fromTheOffer(
                    () -> delta.compare(base, pages, hashes.hashes(), digests, PageDigests.Counter.NONE));
            progress.phase("send");
            DeltaSource.Sent sent = DeltaSource.stream(plan, file, new DataFrameOutputStream(out, FrameType.DATA_OUT),
                    hashes.hashes(), digests, PageDigests.Counter.NONE);
            String line = "sent " + sent.pagesSent() + " of " + pages + " pages (" + sent.bytesSent()
                    + " bytes" + DeltaPushReceiver.compressed(sent.bytesSent(), sent.wireBytes()) + ") by delta in " + (System.nanoTime() - start) / 1_000_000 + " ms";
            LOG.log(System.Logger.Level.INFO, db.name() + ": " + line);
            progress.status(line);
            return true;
        }
    }

    /** A step of the conversation whose reads wait for the client's offer. */
    private interface OfferStep<T> {
        T run() throws IOException;
    }

    /** Runs {@code step}; the client falling silent in it is named as such. */
    private <T> T fromTheOffer(OfferStep<T> step) throws IOException {
        try {
            return step.run();
        } catch (SocketTimeoutException e) {
            throw new OfferStalledException("the client sent nothing for " + Push.format(idleTimeout)
                    + " while it offered its old copy", e);
        }
    }

    /**
     * After the {@code EXIT} for a stalled offer: reads and drops the rest of the offer, up to the
     * empty {@code HASHES} that ends it, so that a client still writing it does not break its pipe
     * before it can read why the pull failed. Every read is still bounded by the idle timeout.
     */
    void hearOutTheOffer() {
        try {
            for (Frame frame; (frame = in.read()) != null;) {
                if (frame.type() == FrameType.HASHES && frame.length() == 0) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "hearing out a stalled offer ended", e);
        }
    }
}
