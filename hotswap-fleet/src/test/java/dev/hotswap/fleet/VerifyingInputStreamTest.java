package dev.hotswap.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {
    private static final byte[] FILE = "exactly these bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final String SHA256 = HexFormat.of().formatHex(Sha256.create().digest(FILE));

    @Test
    void passesTheAnnouncedFileThrough() throws IOException {
        try (InputStream in = verifying(FILE)) {
            assertArrayEquals(FILE, in.readAllBytes());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void refusesATruncatedDownloadInsteadOfEndingIt() {
        IOException e = assertThrows(IOException.class,
                () -> verifying(Arrays.copyOf(FILE, FILE.length - 1)).readAllBytes());
        assertEquals("download of key truncated: 18 of 19 bytes", e.getMessage());
    }

    @Test
    void refusesALongerDownload() {
        IOException e = assertThrows(IOException.class, () -> verifying(Arrays.copyOf(FILE, FILE.length + 1))
                .readAllBytes());
        assertEquals("download of key is longer than the manifest's 19 bytes", e.getMessage());
    }

    @Test
    void refusesAnAlteredDownload() {
        byte[] altered = FILE.clone();
        altered[3] ^= 1;
        IOException e = assertThrows(IOException.class, () -> verifying(altered).readAllBytes());
        assertEquals("download of key does not match the manifest's SHA-256 (expected " + SHA256 + ", got "
                + HexFormat.of().formatHex(Sha256.create().digest(altered)) + ")", e.getMessage());
    }

    @Test
    void skippedBytesStillCount() {
        byte[] altered = FILE.clone();
        altered[0] ^= 1;
        assertThrows(IOException.class, () -> {
            try (InputStream in = verifying(altered)) {
                in.skip(5);
                in.readAllBytes();
            }
        });
    }

    private static InputStream verifying(byte[] bytes) {
        return new VerifyingInputStream(new ByteArrayInputStream(bytes), "key", FILE.length, SHA256);
    }
}
