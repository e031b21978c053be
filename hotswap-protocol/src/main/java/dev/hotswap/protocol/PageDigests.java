package dev.hotswap.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hashes of a delta transfer, all SHA-256 from {@code java.base} (with the CPU's SHA
 * instructions where it has them):
 * <ul>
 * <li>a page's hash is the SHA-256 of its bytes; the wire carries its first {@value #WIRE_BYTES}
 *     bytes;</li>
 * <li>a block's hash is the SHA-256 of the full hashes of its pages, one after another; the wire
 *     carries its first {@value #WIRE_BYTES} bytes;</li>
 * <li>the file's digest is the SHA-256 of its page size (u32), its page count (u64) and the full
 *     hashes of all its pages: the side that patches checks that its result has the source's
 *     digest, so a page skipped on a collision of the shortened hashes, or patched wrongly, cannot
 *     go unnoticed.</li>
 * </ul>
 * Not thread-safe.
 */
public final class PageDigests {
    /** Bytes of a page or block hash on the wire: 128 bits. */
    public static final int WIRE_BYTES = 16;
    /** Bytes of the file digest. */
    public static final int DIGEST_BYTES = 32;
    /** Bytes read from a file at a time while hashing it. */
    static final int READ_BYTES = 1 << 20;

    private final MessageDigest sha256;
    private final byte[] hash = new byte[PageHashes.BYTES];

    /** A new set of digests. */
    public PageDigests() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Hashes the first {@code pageCount} pages of {@code file} into {@code hashes}, reading
     * {@value #READ_BYTES} bytes at a time; {@code pagesDone} hears the running count.
     *
     * @throws IOException if the file is shorter than {@code pageCount} pages, or reading fails
     */
    public void hashFile(FileChannel file, int pageSize, long pageCount, PageHashes hashes, Counter pagesDone)
            throws IOException {
        int pagesPerRead = Math.max(1, READ_BYTES / pageSize);
        byte[] bytes = new byte[pagesPerRead * pageSize];
        long page = 0;
        while (page < pageCount) {
            int pages = (int) Math.min(pagesPerRead, pageCount - page);
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, pages * pageSize);
            long position = page * pageSize;
            while (buffer.hasRemaining()) {
                if (file.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("the file ends inside page " + (page + buffer.position() / pageSize)
                            + " of " + pageCount);
                }
            }
            for (int i = 0; i < pages; i++) {
                pageHash(bytes, i * pageSize, pageSize, hash, 0);
                hashes.put(page + i, hash, 0);
            }
            page += pages;
            pagesDone.add(pages);
        }
    }

    /** Writes the full hash of {@code length} bytes of {@code page} from {@code offset} into {@code out}. */
    public void pageHash(byte[] page, int offset, int length, byte[] out, int outOffset) {
        sha256.update(page, offset, length);
        finish(out, outOffset);
    }

    /**
     * Writes the wire hash of block {@code block} (pages {@code block * blockPages} up to
     * {@code pageCount}, exclusive) into {@code out}.
     */
    public void blockHash(PageHashes hashes, long block, int blockPages, long pageCount, byte[] out, int outOffset)
            throws IOException {
        long first = block * blockPages;
        long end = Math.min(first + blockPages, pageCount);
        for (long page = first; page < end; page++) {
            hashes.get(page, hash, 0);
            sha256.update(hash);
        }
        finish(hash, 0);
        System.arraycopy(hash, 0, out, outOffset, WIRE_BYTES);
    }

    /** The file digest of {@code pageCount} pages of {@code pageSize} bytes whose hashes are in {@code hashes}. */
    public byte[] fileDigest(PageHashes hashes, int pageSize, long pageCount) throws IOException {
        sha256.update(ByteBuffer.allocate(12).putInt(pageSize).putLong(pageCount).array());
        for (long page = 0; page < pageCount; page++) {
            hashes.get(page, hash, 0);
            sha256.update(hash);
        }
        return sha256.digest();
    }

    private void finish(byte[] out, int offset) {
        try {
            sha256.digest(out, offset, PageHashes.BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("a 32-byte buffer holds a SHA-256", e);
        }
    }

    /** Hears a running count (pages hashed, compared, sent) for progress lines. */
    @FunctionalInterface
    public interface Counter {
        /** Ignores counts. */
        Counter NONE = n -> { };

        /** {@code n} more. */
        void add(long n);
    }
}
