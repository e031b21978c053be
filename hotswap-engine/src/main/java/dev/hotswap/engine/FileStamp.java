package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * What a database file looks like from outside, without reading its pages: its identity (device
 * and inode), size, modification and status-change times, and its header's file change counter and
 * page count. Two equal stamps of one file, the second not {@link #racy} as of the first, mean that
 * nothing wrote the file in between (see {@link PageHashCache} for why each field is there).
 *
 * @param changeCounter the header's file change counter (offset 24); -1 for a file too short to have one
 * @param pageCount the header's page count (offset 28); -1 likewise
 */
record FileStamp(Object fileKey, long size, FileTime modified, FileTime changed, long changeCounter,
        long pageCount) {

    /**
     * The stamp of {@code file} now.
     *
     * @throws IOException if it cannot be read, or the file system keeps no status-change time
     */
    static FileStamp of(Path file) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(file, "unix:fileKey,size,lastModifiedTime,ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new IOException("no status-change time for " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer header = ByteBuffer.allocate(8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (header.hasRemaining() && channel.read(header, 24 + header.position()) > 0) {
                // reads the two header fields
            }
        }
        boolean whole = !header.hasRemaining();
        header.flip();
        return new FileStamp(attributes.get("fileKey"), (Long) attributes.get("size"),
                (FileTime) attributes.get("lastModifiedTime"), (FileTime) attributes.get("ctime"),
                whole ? header.getInt(0) & 0xffff_ffffL : -1, whole ? header.getInt(4) & 0xffff_ffffL : -1);
    }

    /** The stamp of {@code file} now, or null if it cannot be read: the page hashes are then not kept. */
    static FileStamp ofOrNull(Path file) {
        try {
            return of(file);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The file system's own clock now, as it would stamp a change: {@code probe} (a file of the
     * engine's on the same file system) is touched and its status-change time read back. A write
     * after this call gets this time or a later one.
     */
    static FileTime fileSystemNow(Path probe) throws IOException {
        Files.setLastModifiedTime(probe, FileTime.from(Instant.now()));
        try {
            return (FileTime) Files.getAttribute(probe, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new IOException("no status-change time for " + probe + ": " + e.getMessage(), e);
        }
    }

    /** {@link #fileSystemNow}, or null if it cannot be read. */
    static FileTime fileSystemNowOrNull(Path probe) {
        try {
            return fileSystemNow(probe);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether a write after {@code now} (a {@link #fileSystemNow} taken before this stamp) could leave
     * this stamp's times as they are: the file changed within the file system clock's last tick, so
     * its times could be stamped again with the same value (file systems stamp with a coarse clock:
     * a jiffy, or a whole second on some). A racy stamp vouches for nothing.
     */
    boolean racy(FileTime now) {
        return changed.compareTo(now) >= 0 || modified.compareTo(now) >= 0;
    }
}
