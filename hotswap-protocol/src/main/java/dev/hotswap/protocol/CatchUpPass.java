package dev.hotswap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Protocol 3: one catch-up pass of a pull whose destination is not {@code -} (a file the client can
 * patch; {@code docs/protocol.md}, "Catch-up passes").
 * The server streamed the live file in chunks, each under a read transaction of its own, and a
 * commit landed between two of them: the client's file mixes two states. Each pass is one data
 * stream ({@code DATA_OUT ... END}) whose bytes are records {@code u64 offset, u32 length ≥ 1,
 * bytes}, ascending and not overlapping, that the client writes into its file; then {@code u64}
 * the file's length and {@code u32 0}, to which the client cuts or grows it (it may cut records of
 * the same pass: a commit shrank the file while the pass read it); then a verdict
 * {@code u8}: {@code 1} and the 32-byte SHA-256 of the whole file as it must now be (the pass read
 * one snapshot: the pull is complete), or {@code 0} (a commit landed during this pass too: another
 * pass follows).
 */
public final class CatchUpPass {
    private static final int DIGEST_BYTES = 32;
    private static final int READ_BYTES = 1 << 20;

    private CatchUpPass() {
    }

    /** What a pass did to the client's file. */
    public record Applied(long fileLength, long bytesPatched, boolean complete) {
    }

    /** The server's side: writes one pass to {@code out} (a data stream the caller finishes). */
    public static final class Writer {
        private final OutputStream out;
        private final ByteBuffer head = ByteBuffer.allocate(Long.BYTES + Integer.BYTES);
        private long end;

        public Writer(OutputStream out) {
            this.out = out;
        }

        /** The bytes at {@code offset} of the file are {@code length} bytes of {@code bytes} from {@code from}. */
        public void record(long offset, byte[] bytes, int from, int length) throws IOException {
            if (length <= 0 || offset < end) {
                throw new IllegalArgumentException("record at " + offset + " of " + length + " bytes after " + end);
            }
            writeHead(offset, length);
            out.write(bytes, from, length);
            end = offset + length;
        }

        /**
         * Ends the pass: the file is {@code fileLength} bytes long; {@code digest}, the SHA-256 of
         * those bytes when this pass read one snapshot, or {@code null} when another pass follows.
         */
        public void end(long fileLength, byte[] digest) throws IOException {
            if (fileLength < 0 || (digest != null && digest.length != DIGEST_BYTES)) {
                throw new IllegalArgumentException("a file of " + fileLength + " bytes, or a digest of other than "
                        + DIGEST_BYTES + " bytes");
            }
            writeHead(fileLength, 0);
            out.write(digest == null ? 0 : 1);
            if (digest != null) {
                out.write(digest);
            }
        }

        private void writeHead(long offset, int length) throws IOException {
            head.clear();
            head.putLong(offset).putInt(length);
            out.write(head.array(), 0, head.position());
        }
    }

    /**
     * The client's side: applies the pass read from {@code in} to {@code file} and, when the pass
     * says the pull is complete, checks the whole file against its digest.
     *
     * @throws ProtocolException if the records do not ascend, or run past the file's length
     * @throws CorruptStreamException if the patched file's digest is not the server's
     * @throws TruncatedStreamException if the stream ends inside a record
     */
    public static Applied apply(DataFrameInputStream in, FileChannel file) throws IOException {
        byte[] buffer = new byte[READ_BYTES];
        ByteBuffer head = ByteBuffer.allocate(Long.BYTES + Integer.BYTES);
        long end = 0;
        long patched = 0;
        while (true) {
            in.readFully(head.array(), 0, head.capacity());
            long offset = head.getLong(0);
            int length = head.getInt(Long.BYTES);
            if (length == 0 ? offset < 0 : offset < end || length < 0) {
                throw new ProtocolException("catch-up record at " + offset + " of " + length
                        + " bytes: records must ascend from " + end);
            }
            if (length == 0) {
                file.truncate(offset);
                int verdict = in.read();
                if (verdict != 0 && verdict != 1) {
                    throw new ProtocolException("catch-up pass ends with verdict " + verdict + ", not 0 or 1");
                }
                if (verdict == 1) {
                    byte[] expected = new byte[DIGEST_BYTES];
                    in.readFully(expected, 0, expected.length);
                    byte[] actual = digest(file, offset, buffer);
                    if (!Arrays.equals(expected, actual)) {
                        throw new CorruptStreamException("the caught-up file's digest " + HexFormat.of().formatHex(actual)
                                + " differs from the server's " + HexFormat.of().formatHex(expected));
                    }
                }
                if (in.read() != -1) {
                    throw new ProtocolException("data after the end of a catch-up pass");
                }
                return new Applied(offset, patched, verdict == 1);
            }
            for (long at = offset, left = length; left > 0;) {
                int n = (int) Math.min(left, buffer.length);
                in.readFully(buffer, 0, n);
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    at += file.write(bytes, at);
                }
                left -= n;
            }
            end = offset + length;
            patched += length;
        }
    }

    /** SHA-256 of the first {@code length} bytes of {@code file}. */
    public static byte[] digest(FileChannel file, long length, byte[] buffer) throws IOException {
        MessageDigest sha = sha256();
        for (long at = 0; at < length;) {
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, length - at));
            while (bytes.hasRemaining()) {
                if (file.read(bytes, at + bytes.position()) < 0) {
                    throw new TruncatedStreamException("the file ends at " + (at + bytes.position()) + " of "
                            + length + " bytes");
                }
            }
            sha.update(buffer, 0, bytes.limit());
            at += bytes.limit();
        }
        return sha.digest();
    }

    /** A new SHA-256 digest (every Java platform has one). */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this Java", e);
        }
    }
}
