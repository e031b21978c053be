package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The first 100 bytes of a SQLite file, read without SQLite: the always-on sanity check of a pushed
 * file, and the cheap way to learn a live file's page size and whether it is in WAL mode.
 *
 * @param pageSize the page size in bytes
 * @param pageCount the page count the header states ({@code 0} if the header does not say)
 * @param pageCountValid whether SQLite would trust {@code pageCount} (the change counter matches
 *     the version-valid-for number)
 * @param wal whether the file format versions say WAL mode (bytes 18 and 19 are 2)
 * @param fileSize the file's size in bytes
 */
record DatabaseHeader(int pageSize, long pageCount, boolean pageCountValid, boolean wal, long fileSize) {
    static final int SIZE = 100;
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /** Reads the header of {@code file}, or {@code null} if it is no SQLite header at all. */
    static DatabaseHeader read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer buffer = ByteBuffer.allocate(SIZE);
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                // a short read just repeats
            }
            if (buffer.position() < SIZE) {
                return null;
            }
            buffer.flip();
            byte[] magic = new byte[MAGIC.length];
            buffer.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                return null;
            }
            int rawPageSize = buffer.getShort(16) & 0xffff;
            int pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
            boolean wal = buffer.get(18) == 2 && buffer.get(19) == 2;
            long changeCounter = buffer.getInt(24) & 0xffffffffL;
            long pageCount = buffer.getInt(28) & 0xffffffffL;
            long validFor = buffer.getInt(92) & 0xffffffffL;
            return new DatabaseHeader(pageSize, pageCount, pageCount > 0 && changeCounter == validFor, wal, size);
        }
    }

    /**
     * The always-on sanity check: {@code file} must be a SQLite database whose size fits its header.
     *
     * @throws SwapRefusedException if it is not a SQLite file or is truncated
     */
    static DatabaseHeader check(Path file) throws IOException, SwapRefusedException {
        DatabaseHeader header = read(file);
        if (header == null) {
            throw new SwapRefusedException(SwapRefusedException.Reason.NOT_A_DATABASE, "ERROR: not a SQLite database (no \"SQLite format 3\" header)");
        }
        int pageSize = header.pageSize();
        if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
            throw new SwapRefusedException(SwapRefusedException.Reason.NOT_A_DATABASE, "ERROR: not a SQLite database (invalid page size " + pageSize + ")");
        }
        long size = header.fileSize();
        if (size % pageSize != 0) {
            throw new SwapRefusedException(SwapRefusedException.Reason.NOT_A_DATABASE, "ERROR: truncated database: " + size
                    + " bytes is not a whole number of " + pageSize + "-byte pages");
        }
        if (header.pageCountValid()) {
            long expected = header.pageCount() * pageSize;
            // Larger is legal (SQLite ignores pages past a valid in-header size); smaller is a cut file.
            if (size < expected) {
                throw new SwapRefusedException(SwapRefusedException.Reason.NOT_A_DATABASE, "ERROR: truncated database: the header says " + header.pageCount()
                        + " pages of " + pageSize + " bytes (" + expected + " bytes), the file has " + size + " bytes");
            }
        }
        return header;
    }
}
