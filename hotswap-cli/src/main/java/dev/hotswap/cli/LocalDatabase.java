package dev.hotswap.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A local file read as SQLite pages without SQLite (the CLI links none): the header's magic and
 * page size (bytes 16 and 17, big-endian, 1 meaning 65536, as {@code docs/protocol.md} and SQLite's
 * file format say), and the page count as the file's size over the page size. A delta transfer
 * needs nothing more.
 *
 * @param file the file
 * @param pageSize its page size
 * @param pageCount its whole pages
 */
record LocalDatabase(Path file, int pageSize, long pageCount) {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 100;

    /**
     * {@code file} as pages, or {@code null} if it is no regular file with a SQLite header, a valid
     * page size and a whole number of pages (such a file goes whole, and the server judges it).
     */
    static LocalDatabase of(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
                // a short read just repeats
            }
            if (header.hasRemaining() || !Arrays.equals(Arrays.copyOf(header.array(), MAGIC.length), MAGIC)) {
                return null;
            }
            int raw = header.getShort(16) & 0xffff;
            int pageSize = raw == 1 ? 65536 : raw;
            long size = channel.size();
            if (pageSize < 512 || Integer.bitCount(pageSize) != 1 || size % pageSize != 0) {
                return null;
            }
            return new LocalDatabase(file, pageSize, size / pageSize);
        } catch (IOException e) {
            return null;
        }
    }
}
