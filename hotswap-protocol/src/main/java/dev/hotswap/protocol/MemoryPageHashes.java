package dev.hotswap.protocol;

import java.util.ArrayList;
import java.util.List;

/** {@link PageHashes} on the heap, in chunks of 1 MiB that are allocated as pages are stored. */
final class MemoryPageHashes implements PageHashes {
    private static final int CHUNK_HASHES = 1 << 15;
    private final List<byte[]> chunks = new ArrayList<>();

    @Override
    public void put(long page, byte[] hash, int offset) {
        int chunk = chunk(page);
        while (chunks.size() <= chunk) {
            chunks.add(new byte[CHUNK_HASHES * BYTES]);
        }
        System.arraycopy(hash, offset, chunks.get(chunk), within(page), BYTES);
    }

    @Override
    public void get(long page, byte[] destination, int offset) {
        int chunk = chunk(page);
        if (chunk >= chunks.size()) {
            throw new IllegalArgumentException("no hash stored for page " + page);
        }
        System.arraycopy(chunks.get(chunk), within(page), destination, offset, BYTES);
    }

    private static int chunk(long page) {
        if (page < 0) {
            throw new IllegalArgumentException("page " + page + " is negative");
        }
        return Math.toIntExact(page / CHUNK_HASHES);
    }

    private static int within(long page) {
        return (int) (page % CHUNK_HASHES) * BYTES;
    }
}
