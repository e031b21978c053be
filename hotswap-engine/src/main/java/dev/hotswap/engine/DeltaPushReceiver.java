package dev.hotswap.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.hotswap.protocol.Base;
import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.DeltaBase;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.PageDigests;

/**
 * A push whose client offered a delta ({@code docs/protocol.md}): the candidate starts as a
 * consistent copy of the live database ({@link Snapshot#copyInto}), its pages are hashed,
 * the hashes offered, and the pages the client sends patched in; the result must have the client's
 * file digest. When the live page size differs from the client's, or the client then chooses to,
 * the whole file comes as a stream instead. Everything it writes (the base copy, the hashes, the
 * patched or streamed file) is reported to the push's {@link DiskClaim}, made before {@code READY}
 * for {@link #bytesToClaim}.
 */
final class DeltaPushReceiver implements CandidateReceiver {
    private static final System.Logger LOG = System.getLogger(DeltaPushReceiver.class.getName());

    private final ManagedDatabase db;
    private final FrameReader in;
    private final DeltaBase delta;
    private final int offeredPageSize;
    private final DiskClaim claim;
    private final Runnable clientsTurn;
    /** The pass over a candidate patched over kept hashes, or null. */
    private KeptHashesCheck keptHashesCheck;

    /**
     * {@code clientsTurn} runs when the server has done its own work (the base copy and its hashes)
     * and waits for the client: the upload's minimum rate is timed from there.
     */
    DeltaPushReceiver(ManagedDatabase db, FrameReader in, FrameWriter out, int offeredPageSize, DiskClaim claim,
            Runnable clientsTurn) {
        this.db = db;
        this.in = in;
        this.delta = new DeltaBase(in, out, FrameType.DATA_IN, frame -> { });
        this.offeredPageSize = offeredPageSize;
        this.claim = claim;
        this.clientsTurn = clientsTurn;
    }

    /**
     * What a delta push of a file of {@code declaredSize} bytes (-1: not declared) writes at most, as
     * far as it is known before it starts: a copy of the live database, grown to the new file's size,
     * and its page hashes; or, when the page sizes differ, the whole new file.
     */
    static long bytesToClaim(ManagedDatabase db, int offeredPageSize, long declaredSize) throws IOException {
        long declared = Math.max(0, declaredSize);
        DatabaseHeader live = DatabaseHeader.read(db.currentFile());
        if (live == null || live.pageSize() != offeredPageSize) {
            return declared;
        }
        long file = Math.max(Files.size(db.currentFile()), declared);
        return file + PageHashFile.bytes(file / live.pageSize());
    }

    @Override
    public long receiveInto(Path target, Progress progress) throws IOException {
        DatabaseHeader live = DatabaseHeader.read(db.currentFile());
        if (live == null || live.pageSize() != offeredPageSize) {
            int pageSize = live == null ? offeredPageSize : live.pageSize();
            progress.status("whole file: the live page size is " + pageSize + ", the new file's " + offeredPageSize);
            delta.offerNothing(pageSize);
            clientsTurn.run();
            try (FileChannel file = claim.guard(FileChannel.open(target, StandardOpenOption.WRITE))) {
                file.truncate(0);
                return StreamReceiver.copy(new DataFrameInputStream(in, FrameType.DATA_IN, frame -> { }), file);
            }
        }
        int pageSize = live.pageSize();
        progress.phase("base copy");
        long start = System.nanoTime();
        BaseCopy copy = Snapshot.copyInto(db, target, claim);
        try (FileChannel file = claim.guard(FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE));
                PageHashFile hashes = PageHashFile.create(db.folder(), claim)) {
            long pages = file.size() / pageSize;
            PageDigests digests = new PageDigests();
            db.hashCache().settlePending(copy.generation());
            String how = db.hashCache().fill(db.folder(), copy, pageSize, pages, hashes.hashes());
            boolean kept = how != null;
            if (!kept) {
                digests.hashFile(file, pageSize, pages, hashes.hashes(), PageDigests.Counter.NONE);
                db.hashCache().keep(db.folder(), copy, pageSize, pages, hashes.hashes());
                how = "hashed";
            }
            progress.status("base copy of " + pages + " pages, " + how + ", in " + millis(start) + " ms");
            Base base = Base.of(pageSize, pages);
            progress.phase("upload");
            start = System.nanoTime();
            delta.offer(base, hashes.hashes(), digests);
            clientsTurn.run();
            if (!delta.sourceChoseDelta()) {
                file.truncate(0);
                return StreamReceiver.copy(new DataFrameInputStream(in, FrameType.DATA_IN, frame -> { }), file.position(0));
            }
            delta.answerWants(base, hashes.hashes());
            DeltaBase.Patched patched = delta.patch(base, file, hashes.hashes(), digests, PageDigests.Counter.NONE);
            if (kept) {
                keptHashesCheck = KeptHashesCheck.start(target, pageSize, patched.pageCount(),
                        digests.fileDigest(hashes.hashes(), pageSize, patched.pageCount()), copy.generation(),
                        db.folder(), claim);
            }
            // The patched file's hashes are all known now: kept for the generation it may become.
            db.hashCache().keepCandidate(db.folder(), target, pageSize, patched.pageCount(), hashes.hashes());
            String line = "received " + patched.pagesReceived() + " of " + patched.pageCount() + " pages ("
                    + patched.bytesReceived() + " bytes" + compressed(patched.bytesReceived(), patched.wireBytes())
                    + ") by delta in " + millis(start) + " ms";
            LOG.log(System.Logger.Level.INFO, db.name() + ": " + line);
            progress.status(line);
            return patched.pageCount() * pageSize;
        }
    }

    @Override
    public void awaitOwnCheck() throws IOException {
        if (keptHashesCheck != null) {
            try {
                keptHashesCheck.await();
            } catch (IOException e) {
                // Stale or not, hashes that did not add up are not served again.
                db.hashCache().drop(db.folder());
                throw e;
            }
        }
    }

    @Override
    public void awaitOwnCheckQuietly() {
        if (keptHashesCheck != null) {
            keptHashesCheck.awaitQuietly();
        }
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** {@code ", W compressed on the wire"} when compressed frames made {@code wire} of {@code bytes}. */
    static String compressed(long bytes, long wire) {
        return wire == bytes ? "" : ", " + wire + " compressed on the wire";
    }
}
