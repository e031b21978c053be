package dev.hotswap.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The file a coordinator rolls out, read once before anything is uploaded: its size, SHA-256 and
 * SQLite page size. A file that is not SQLite, or not a whole number of pages, fails here, before
 * the fleet sees it; every node still runs every check.
 */
record LocalFile(Path path, long size, String sha256, int pageSize) {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    static LocalFile inspect(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new FleetException(FleetException.Reason.INVALID, path + " is not a file");
        }
        MessageDigest digest = Sha256.create();
        byte[] header = new byte[100];
        long size = 0;
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; size += n) {
                if (size < header.length) {
                    System.arraycopy(buffer, 0, header, (int) size, (int) Math.min(n, header.length - size));
                }
                digest.update(buffer, 0, n);
            }
        }
        if (size < header.length || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
            throw new FleetException(FleetException.Reason.INVALID, path
                    + " is not a SQLite database (no \"SQLite format 3\" header)");
        }
        int raw = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
        int pageSize = raw == 1 ? 65536 : raw;
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1 || size % pageSize != 0) {
            throw new FleetException(FleetException.Reason.INVALID, path + " is not a whole SQLite database ("
                    + size + " bytes, page size " + pageSize + ")");
        }
        return new LocalFile(path, size, HexFormat.of().formatHex(digest.digest()), pageSize);
    }
}
