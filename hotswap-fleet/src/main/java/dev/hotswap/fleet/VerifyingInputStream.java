package dev.hotswap.fleet;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A download that can only end well: it counts and hashes what passes through, and where the store's
 * stream ends it throws instead of reporting the end unless exactly the manifest's bytes with the
 * manifest's SHA-256 arrived. A reader (the node's database) therefore never mistakes a cut or
 * altered download for a complete file.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final String what;
    private final long size;
    private final String sha256;
    private final MessageDigest digest = Sha256.create();
    private long count;
    private boolean verified;

    VerifyingInputStream(InputStream in, String what, long size, String sha256) {
        super(in);
        this.what = what;
        this.size = size;
        this.sha256 = sha256;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            verifyEnd();
            return -1;
        }
        count += n;
        if (count > size) {
            throw new IOException("download of " + what + " is longer than the manifest's " + size + " bytes");
        }
        digest.update(buffer, offset, n);
        return n;
    }

    private void verifyEnd() throws IOException {
        if (verified) {
            return;
        }
        if (count != size) {
            throw new IOException("download of " + what + " truncated: " + count + " of " + size + " bytes");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(sha256)) {
            throw new IOException("download of " + what + " does not match the manifest's SHA-256 (expected "
                    + sha256 + ", got " + actual + ")");
        }
        verified = true;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would escape the digest.
        long skipped = 0;
        byte[] buffer = new byte[8192];
        while (skipped < n) {
            int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int limit) {
        // not supported: a reset would hash bytes twice
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }
}
