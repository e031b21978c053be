package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import dev.hotswap.protocol.PageHashes;

/**
 * The hidden file of the generation folder in which a {@link PageHashCache} keeps page hashes (32
 * bytes per page, in page order: the application's heap does not grow with the database), with the
 * SHA-256 of its bytes in memory: a file that was changed or cut since it was written is found out
 * when it is read ({@link Damaged}), and the cache drops it. The file does not outlive the engine
 * (deleted at close, and at the next start as any hidden file): one that did would need a format and
 * a stamp of its own on disk and a crash-safe write through {@link Disk}; a restart costs one hash
 * pass instead.
 */
final class KeptHashesFile {
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path path;
    private final byte[] digest;

    /** {@code path}, whose bytes have SHA-256 {@code digest} (a {@link HashPass}'s, written as it hashed). */
    KeptHashesFile(Path path, byte[] digest) {
        this.path = path;
        this.digest = digest;
    }

    /** The kept file's bytes do not match what was written to it; the message says how. */
    static final class Damaged extends IOException {
        private static final long serialVersionUID = 1L;

        Damaged(String what) {
            super(what);
        }
    }

    /** Writes the hashes of pages 0 to {@code pageCount - 1} in {@code from} to a new hidden file of {@code folder}. */
    static KeptHashesFile write(GenerationFolder folder, long pageCount, PageHashes from) throws IOException {
        Path path = folder.newPageHashes();
        boolean kept = false;
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
            MessageDigest sha256 = sha256();
            byte[] bytes = new byte[BUFFER_BYTES];
            long page = 0;
            while (page < pageCount) {
                int n = (int) Math.min(bytes.length / PageHashes.BYTES, pageCount - page) * PageHashes.BYTES;
                for (int offset = 0; offset < n; offset += PageHashes.BYTES, page++) {
                    from.get(page, bytes, offset);
                }
                sha256.update(bytes, 0, n);
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
                while (buffer.hasRemaining()) {
                    file.write(buffer);
                }
            }
            kept = true;
            return new KeptHashesFile(path, sha256.digest());
        } finally {
            if (!kept) {
                TempFiles.delete(path);
            }
        }
    }

    /** The file itself (also the probe that reads the file system's clock beside the generations). */
    Path path() {
        return path;
    }

    /**
     * Copies the hashes of pages 0 to {@code pageCount - 1} into {@code into}, checking the file's
     * size and digest; on failure {@code into} may hold some of them.
     *
     * @throws Damaged if the file is not {@code pageCount} hashes or its bytes changed since written
     * @throws IOException if it could not be read
     */
    void readInto(long pageCount, PageHashes into) throws IOException {
        MessageDigest sha256 = sha256();
        byte[] bytes = new byte[BUFFER_BYTES];
        byte[] hash = new byte[PageHashes.BYTES];
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            if (file.size() != pageCount * PageHashes.BYTES) {
                throw new Damaged("is " + file.size() + " bytes, not " + pageCount * PageHashes.BYTES);
            }
            long page = 0;
            while (page < pageCount) {
                int n = (int) Math.min(bytes.length / PageHashes.BYTES, pageCount - page) * PageHashes.BYTES;
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
                while (buffer.hasRemaining()) {
                    if (file.read(buffer, page * PageHashes.BYTES + buffer.position()) < 0) {
                        throw new Damaged("ends inside page " + page);
                    }
                }
                sha256.update(bytes, 0, n);
                for (int offset = 0; offset < n; offset += PageHashes.BYTES, page++) {
                    System.arraycopy(bytes, offset, hash, 0, PageHashes.BYTES);
                    into.put(page, hash, 0);
                }
            }
        }
        if (!MessageDigest.isEqual(sha256.digest(), digest)) {
            throw new Damaged("changed since it was written");
        }
    }

    /**
     * Hashes page 1 of {@code database} ({@code pageSize} bytes) again into this file, in place: the
     * journal-mode step of an install rewrites it.
     *
     * @return this file with its new digest
     */
    KeptHashesFile withPage1Of(Path database, int pageSize) throws IOException {
        byte[] page = new byte[pageSize];
        try (FileChannel source = FileChannel.open(database, StandardOpenOption.READ);
                FileChannel hashes = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(page);
            while (buffer.hasRemaining() && source.read(buffer, buffer.position()) > 0) {
                // page 1
            }
            ByteBuffer hash = ByteBuffer.wrap(sha256().digest(page));
            while (hash.hasRemaining()) {
                hashes.write(hash, hash.position());
            }
            return new KeptHashesFile(path, digestOf(hashes));
        }
    }

    /**
     * Deletes the file, on the file system as it is, not through the engine's {@link Disk}: the
     * cache's files are no part of a generation's life, and a background pass's come and go when no
     * test step can foresee it ({@link HashPass}); a failed deletion leaves a hidden file the next
     * start deletes.
     */
    void delete() {
        TempFiles.delete(path);
    }

    private static byte[] digestOf(FileChannel file) throws IOException {
        MessageDigest sha256 = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        for (long position = 0; file.read(buffer, position) > 0; buffer.clear()) {
            buffer.flip();
            position += buffer.remaining();
            sha256.update(buffer);
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
