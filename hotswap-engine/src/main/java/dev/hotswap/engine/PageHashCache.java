package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;

import dev.hotswap.protocol.PageHashes;

/**
 * The page hashes of one managed database's current generation file, kept from one delta push to
 * the next, so that a push to a generation nobody wrote since does not hash it again: those of a
 * delta push's patched file once it is installed as a generation ({@link #keepCandidate}, then
 * {@link #installed}), or those of a base copy ({@link #keep}).
 *
 * <p><b>The validity rule.</b> Hashes are kept only for a file that is byte for byte the
 * generation's file as it stood at a {@link FileStamp} (for a base copy: the stamps just before and
 * just after the copy are equal and the first is not racy, {@link BaseCopy#stable}; for an installed
 * file: stamped once the file system's clock has ticked past the install), and used only for a later base
 * copy of the same generation with the same page size and count whose stable stamp is equal. A
 * write of the file between the two copies, by SQLite or by anything else, changes its
 * status-change time ({@code ctime}), which nothing can set back by hand, and the racy rule makes
 * sure a write cannot get the same time as the stamp. Why not less:
 * <ul>
 * <li>the header's change counter is not bumped by every commit in WAL mode, and
 *     {@code PRAGMA data_version} does not see the engine's own connections' commits: both are in
 *     the stamp, neither is trusted alone;</li>
 * <li>a WAL-mode commit reaches the file only by a checkpoint, and the base copy checkpoints before
 *     it copies the file alone; a copy made through SQLite's backup API (the log could not be
 *     written back: its page 1 and the log's pages are not the file's bytes) is never kept nor
 *     served;</li>
 * <li>VACUUM, a restore through the backup API and a {@code cp} over the file write it (new ctime);
 *     a file moved into its place is another inode; {@code cp -p} or {@code touch} can set the
 *     modification time back, not the ctime.</li>
 * </ul>
 *
 * <p><b>Where the hashes live.</b> In a hidden file of the generation folder ({@link KeptHashesFile}):
 * one that was changed or cut since it was written is found out when it is read, dropped, and the
 * base hashed as if there were no cache. One entry per database: pushes of a database run one at a
 * time, and each bases on the current generation.
 *
 * <p><b>Where the hashes come from.</b> A delta push knows those of the file it patched
 * ({@link #keepCandidate}); a push that hashed its base keeps them ({@link #keep}); a generation that
 * became current any other way (a whole-file push, a rollback, the engine's start) is hashed once in
 * the background ({@link HashPass}, {@link #adopt}), under the same rule: its stamps before and after
 * the pass must be equal and the first not racy.
 */
final class PageHashCache {
    private static final System.Logger LOG = System.getLogger(PageHashCache.class.getName());
    /** How long {@link #installed} waits for the file system's clock to tick past the install. */
    private static final long CLOCK_WAIT_MILLIS = 50;

    private final String database;
    private Entry entry;
    /** The background pass hashing the current generation for this cache, queued or running, or null. */
    private final AtomicReference<HashPass> pendingPass = new AtomicReference<>();

    /**
     * Hashes in {@code file} of generation {@code generation} at {@code stamp}; or, with
     * {@code candidate} set (and no generation or stamp yet), of a pushed file on its way to becoming
     * a generation.
     */
    private record Entry(long generation, FileStamp stamp, Path candidate, int pageSize, long pageCount,
            KeptHashesFile file, String since) {
        boolean describes(BaseCopy copy, int pageSize, long pageCount) {
            return candidate == null && generation == copy.generation() && stamp.equals(copy.stamp())
                    && this.pageSize == pageSize && this.pageCount == pageCount;
        }
    }

    PageHashCache(String database) {
        this.database = database;
    }

    /**
     * Copies the kept hashes of {@code copy}'s pages into {@code into}, if they are valid for it.
     *
     * @return where they come from ({@code "hashes kept since generation 2 became current"}), or null
     *     if they are not valid (also when the kept file or {@code into} failed): the caller hashes the copy
     */
    synchronized String fill(GenerationFolder folder, BaseCopy copy, int pageSize, long pageCount, PageHashes into) {
        if (entry == null || copy.stamp() == null) {
            return null;
        }
        if (!entry.describes(copy, pageSize, pageCount)) {
            drop(folder);
            return null;
        }
        String since = "hashes kept since generation " + entry.generation() + " " + entry.since();
        try {
            entry.file().readInto(pageCount, into);
            return since;
        } catch (KeptHashesFile.Damaged e) {
            corrupt(folder, e.getMessage());
        } catch (IOException e) {
            corrupt(folder, "could not be read: " + e.getMessage());
        }
        return null;
    }

    /** {@code pass} is to hash the generation that just became current; the one pending before is cancelled. */
    void pending(HashPass pass) {
        HashPass before = pendingPass.getAndSet(pass);
        if (before != null) {
            before.cancel();
        }
    }

    /**
     * Before a delta push looks for the hashes of {@code generation}: lets the background pass of that
     * generation finish if it is running, and cancels one that has not started or is of another one.
     * Waiting costs at most what is left of a pass already under way; hashing the base beside it
     * would read the same bytes twice at once, on the same disk and cores, and cost a whole pass. A
     * pass still queued (behind another database's) may not start soon: the push hashes.
     */
    void settlePending(long generation) {
        HashPass pass = pendingPass.get();
        if (pass == null) {
            return;
        }
        if (pass.generation() == generation && !pass.cancelIfQueued()) {
            pass.awaitQuietly();
        } else {
            pass.cancel();
        }
    }

    /** Whether the hashes of {@code generation} itself are kept (not a candidate's): it needs no background pass. */
    synchronized boolean covers(long generation) {
        return entry != null && entry.candidate() == null && entry.generation() == generation;
    }

    /**
     * Keeps {@code file}, written by {@code pass} (the page hashes of {@code copy}, a file whose bytes
     * have SHA-256 {@code digest}), in place of whatever was kept, if {@code pass} is still pending.
     *
     * @return whether it is kept; if not, the caller deletes {@code file}
     */
    synchronized boolean adopt(HashPass pass, BaseCopy copy, int pageSize, long pageCount, Path file, byte[] digest) {
        if (!pendingPass.compareAndSet(pass, null)) {
            return false; // cancelled: a push or a later flip owns the cache now
        }
        if (entry != null) {
            entry.file().delete();
        }
        entry = new Entry(copy.generation(), copy.stamp(), null, pageSize, pageCount, new KeptHashesFile(file, digest),
                "became current");
        return true;
    }

    /** Cancels the pass pending, if any. */
    void cancelPending() {
        HashPass pass = pendingPass.getAndSet(null);
        if (pass != null) {
            pass.cancel();
        }
    }

    /**
     * Keeps the hashes in {@code from} of {@code copy}'s pages, if the copy is stable, in place of
     * whatever was kept.
     */
    synchronized void keep(GenerationFolder folder, BaseCopy copy, int pageSize, long pageCount, PageHashes from) {
        drop(folder);
        if (copy.stamp() != null) {
            write(folder, copy.generation(), copy.stamp(), null, pageSize, pageCount, from, "was last copied");
        }
    }

    /**
     * Keeps the hashes in {@code from} of {@code candidate}, a delta push's patched file, in place of
     * whatever was kept, until {@link #installed} says which generation it became.
     */
    synchronized void keepCandidate(GenerationFolder folder, Path candidate, int pageSize, long pageCount,
            PageHashes from) {
        drop(folder);
        write(folder, -1, null, candidate, pageSize, pageCount, from, "was pushed");
    }

    /**
     * {@code candidate} is now generation {@code id}'s {@code file}: if its hashes are kept, they are
     * kept for that generation from now on, page 1 hashed again (matching the journal mode rewrites
     * it), stamped as the file is now. Nothing else wrote the file since it was patched: it was the
     * engine's temp file, and is nobody's open file yet.
     */
    synchronized void installed(GenerationFolder folder, Path candidate, long id, Path file) {
        if (entry == null || !candidate.equals(entry.candidate())) {
            return;
        }
        try {
            stampInstalled(folder, id, file);
        } catch (IOException e) {
            failed(folder, e);
        }
    }

    private void stampInstalled(GenerationFolder folder, long id, Path file) throws IOException {
        Entry pending = entry;
        FileStamp stamp = FileStamp.of(file);
        if (stamp.size() != pending.pageCount() * pending.pageSize()) {
            drop(folder);
            return;
        }
        KeptHashesFile hashes = pending.file().withPage1Of(file, pending.pageSize());
        FileTime now = clockPast(hashes.path(), stamp.changed());
        if (now == null || !stamp.equals(FileStamp.of(file))) {
            drop(folder);
            return;
        }
        entry = new Entry(id, stamp, null, pending.pageSize(), pending.pageCount(), hashes, pending.since());
    }

    /**
     * The file system's time once it is past {@code time}, read by touching {@code probe}; null if it
     * is not within {@value #CLOCK_WAIT_MILLIS} ms (a file system that stamps whole seconds or worse).
     */
    private static FileTime clockPast(Path probe, FileTime time) throws IOException {
        long deadline = System.nanoTime() + CLOCK_WAIT_MILLIS * 1_000_000L;
        for (;;) {
            FileTime now = FileStamp.fileSystemNow(probe);
            if (now.compareTo(time) > 0) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.onSpinWait();
        }
    }

    /** Keeps nothing rather than fail a push: the cache only ever saves time. */
    private void write(GenerationFolder folder, long generation, FileStamp stamp, Path candidate, int pageSize,
            long pageCount, PageHashes from, String since) {
        try {
            entry = new Entry(generation, stamp, candidate, pageSize, pageCount,
                    KeptHashesFile.write(folder, pageCount, from), since);
        } catch (IOException e) {
            failed(folder, e);
        }
    }

    private void failed(GenerationFolder folder, IOException e) {
        LOG.log(System.Logger.Level.WARNING, database + ": keeping the page hashes failed; the next delta push hashes"
                + " its base", e);
        drop(folder);
    }

    /** Forgets what is kept and deletes its file ({@link KeptHashesFile#delete}); cancels a pass pending. */
    synchronized void drop(GenerationFolder folder) {
        cancelPending();
        if (entry != null) {
            entry.file().delete();
            entry = null;
        }
    }

    private void corrupt(GenerationFolder folder, String what) {
        LOG.log(System.Logger.Level.WARNING, "{0}: the page hashes kept for generation {1} ({2}) {3}; hashing the base",
                database, entry.generation(), entry.file().path(), what);
        drop(folder);
    }
}
