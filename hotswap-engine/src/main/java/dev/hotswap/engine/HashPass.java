package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

import dev.hotswap.protocol.PageDigests;
import dev.hotswap.protocol.PageHashes;

/**
 * One background hash pass of a generation that just became current and whose page hashes are not
 * kept (a whole-file push, a rollback, the engine's start), into its database's
 * {@link PageHashCache}, so that the next delta push does not hash it: issue 18's "computed once
 * otherwise". The rule is the cache's: a {@link FileStamp} before the pass, not racy as of a file
 * system time taken before it, must equal the stamp after it, else nothing is kept.
 *
 * <p>A pass is cancelled when a later flip, a push or the engine's close takes the cache over
 * ({@link PageHashCache#pending}); it stops at its next MiB, and one whose file was written meanwhile
 * stops at its next stamp check. It holds no hold on the generation (its retirement is never
 * delayed) and no lock while it reads.
 *
 * <p>Its one file (the hashes, written in the cache's format) goes to the file system as it is
 * ({@link Disk#REAL}), not through the engine's {@link Disk}: it is a cache outside every generation's
 * life, deleted at close and at the next start like any hidden file, and a pass runs whenever its
 * thread gets to it, which no test that numbers the disk calls of a step can foresee.
 */
final class HashPass {
    private static final System.Logger LOG = System.getLogger(HashPass.class.getName());
    /** How long a pass waits for the file system's clock to tick past the file's times. */
    private static final long CLOCK_WAIT_MILLIS = 100;
    /** The file's stamp is checked every this many reads: a write during the pass ends it early. */
    private static final int READS_PER_STAMP_CHECK = 64;

    private enum State { QUEUED, RUNNING, CANCELLED }

    private final ManagedDatabase db;
    private final long generation;
    private final Path file;
    private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
    private final BackgroundPass<Boolean> pass;

    private HashPass(ManagedDatabase db, Generation generation) {
        this.db = db;
        this.generation = generation.id();
        this.file = generation.file();
        this.pass = BackgroundPass.prepared("hashing generation " + generation.id());
    }

    /**
     * Queues a pass of {@code generation}, just made current in {@code db}, on {@code executor}, unless
     * its hashes are kept already (a delta push made it); it replaces the pass pending before.
     */
    static void queue(ManagedDatabase db, Generation generation, Executor executor) {
        HashPass hashPass = new HashPass(db, generation);
        db.hashCache().pending(hashPass); // first: a push may wait for it from here on, and it adopts only if pending
        hashPass.pass.queue(executor, hashPass::run);
    }

    long generation() {
        return generation;
    }

    /** Stops the pass at its next read, or before it starts; it keeps nothing. */
    void cancel() {
        state.set(State.CANCELLED);
    }

    /** Cancels the pass if it has not started; false if it runs or ran. */
    boolean cancelIfQueued() {
        return state.compareAndSet(State.QUEUED, State.CANCELLED);
    }

    /** Waits for the pass to end, whatever became of it. */
    void awaitQuietly() {
        pass.awaitQuietly();
    }

    /** @return whether the hashes are kept */
    private boolean run() {
        if (!state.compareAndSet(State.QUEUED, State.RUNNING) || db.hashCache().covers(generation)) {
            return false;
        }
        long start = System.nanoTime();
        GenerationFolder folder = db.folder();
        Path hashes = null;
        boolean kept = false;
        try {
            DatabaseHeader header = DatabaseHeader.read(file);
            if (header == null) {
                return false;
            }
            hashes = Disk.REAL.createTemp(folder.path(), GenerationFolder.PAGE_HASHES_PREFIX, ".tmp");
            try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(hashes, StandardOpenOption.WRITE)) {
                FileTime now = null;
                FileStamp before = null;
                long deadline = System.nanoTime() + CLOCK_WAIT_MILLIS * 1_000_000L;
                // The time first, then the stamp: a write after the stamp gets a later time than it.
                while (before == null || before.racy(now)) {
                    if (System.nanoTime() > deadline || state.get() == State.CANCELLED) {
                        return false;
                    }
                    Thread.sleep(before == null ? 0 : 1);
                    now = FileStamp.fileSystemNow(hashes);
                    before = FileStamp.of(file);
                }
                Steps.reached(Steps.HASHING);
                long pages = before.size() / header.pageSize();
                byte[] digest = hash(source, header.pageSize(), pages, out, before);
                FileStamp stamp = digest == null ? null : BaseCopy.stable(before, FileStamp.ofOrNull(file), now);
                if (stamp == null) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}: generation {1} changed or was superseded during its hash"
                            + " pass; nothing kept", db.name(), generation);
                    return false;
                }
                kept = db.hashCache().adopt(this, new BaseCopy(generation, stamp), header.pageSize(), pages, hashes,
                        digest);
                if (kept) {
                    LOG.log(System.Logger.Level.INFO, "{0}: hashed generation {1} in the background, {2} pages in {3}"
                            + " ms: the next delta push need not", db.name(), generation, pages,
                            (System.nanoTime() - start) / 1_000_000);
                }
                return kept;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, db.name() + ": hashing generation " + generation
                    + " in the background failed; the next delta push hashes it", e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (!kept && hashes != null) {
                TempFiles.delete(hashes);
            }
        }
    }

    /**
     * Writes the hash of each of {@code pages} pages of {@code source} to {@code out}, in page order.
     *
     * @return the SHA-256 of what it wrote, or null if cancelled or the file's stamp moved from {@code before}
     */
    private byte[] hash(FileChannel source, int pageSize, long pages, FileChannel out, FileStamp before)
            throws IOException {
        PageDigests digests = new PageDigests();
        MessageDigest sha256 = sha256();
        int pagesPerRead = Math.max(1, (1 << 20) / pageSize);
        byte[] bytes = new byte[pagesPerRead * pageSize];
        byte[] hashes = new byte[pagesPerRead * PageHashes.BYTES];
        int reads = 0;
        for (long page = 0; page < pages; page += pagesPerRead) {
            if (state.get() == State.CANCELLED
                    || ++reads % READS_PER_STAMP_CHECK == 0 && !before.equals(FileStamp.ofOrNull(file))) {
                return null;
            }
            int n = (int) Math.min(pagesPerRead, pages - page);
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n * pageSize);
            while (buffer.hasRemaining()) {
                if (source.read(buffer, page * pageSize + buffer.position()) < 0) {
                    return null; // cut short: the stamp says so too
                }
            }
            for (int i = 0; i < n; i++) {
                digests.pageHash(bytes, i * pageSize, pageSize, hashes, i * PageHashes.BYTES);
            }
            sha256.update(hashes, 0, n * PageHashes.BYTES);
            ByteBuffer written = ByteBuffer.wrap(hashes, 0, n * PageHashes.BYTES);
            while (written.hasRemaining()) {
                out.write(written, page * PageHashes.BYTES + written.position());
            }
        }
        return sha256.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
