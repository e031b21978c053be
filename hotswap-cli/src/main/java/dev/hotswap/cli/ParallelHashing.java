package dev.hotswap.cli;

import dev.hotswap.protocol.PageDigests;
import dev.hotswap.protocol.PageHashes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The page hashes of a local file on several threads, each over its own range of pages with its
 * own {@link PageDigests} (which is not thread-safe), into one store whose every chunk is allocated
 * before they start: each thread writes only its own pages' bytes, and the store is read once all
 * have ended. On a machine with cores to spare, a delta push's hash pass of its new file then takes
 * a fraction of the time of one thread.
 */
final class ParallelHashing {
    /** Bytes read at a time by each thread. */
    private static final int READ_BYTES = 1 << 20;
    /** Hashes per chunk of the store: 1 MiB. */
    private static final int CHUNK_HASHES = 1 << 15;

    private ParallelHashing() {
    }

    /** The number of threads: one per core the JVM sees. */
    static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Hashes the first {@code pageCount} pages of {@code file} on {@code threads} threads (one for a
     * file of less than one read per thread).
     *
     * @throws IOException if the file is shorter than {@code pageCount} pages, or reading fails
     */
    static PageHashes hash(FileChannel file, int pageSize, long pageCount, int threads) throws IOException {
        Store store = new Store(pageCount);
        int pagesPerRead = Math.max(1, READ_BYTES / pageSize);
        int ranges = (int) Math.max(1, Math.min(threads, pageCount / pagesPerRead));
        long perRange = (pageCount + ranges - 1) / ranges;
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int i = 1; i < ranges; i++) {
            long first = i * perRange;
            long end = Math.min(pageCount, first + perRange);
            running.add(CompletableFuture.runAsync(() -> hashRange(file, pageSize, first, end, store), runnable -> {
                Thread thread = new Thread(runnable, "hotswap-hash-" + first);
                thread.setDaemon(true);
                thread.start();
            }));
        }
        IOException failure = null;
        try {
            hashRange(file, pageSize, 0, Math.min(pageCount, perRange), store);
        } catch (CompletionException e) {
            failure = (IOException) e.getCause();
        }
        for (CompletableFuture<Void> range : running) {
            try {
                range.join();
            } catch (CompletionException e) {
                failure = failure != null ? failure : e.getCause() instanceof IOException io ? io
                        : new IOException("hashing failed: " + e.getCause(), e.getCause());
            }
        }
        if (failure != null) {
            throw failure;
        }
        return store;
    }

    /** Hashes pages {@code first} to {@code end} (exclusive); an {@link IOException} comes wrapped. */
    private static void hashRange(FileChannel file, int pageSize, long first, long end, Store store) {
        PageDigests digests = new PageDigests();
        int pagesPerRead = Math.max(1, READ_BYTES / pageSize);
        byte[] bytes = new byte[pagesPerRead * pageSize];
        byte[] hash = new byte[PageHashes.BYTES];
        try {
            for (long page = first; page < end; page += pagesPerRead) {
                int pages = (int) Math.min(pagesPerRead, end - page);
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, pages * pageSize);
                while (buffer.hasRemaining()) {
                    if (file.read(buffer, page * pageSize + buffer.position()) < 0) {
                        throw new IOException("the file ends inside page " + (page + buffer.position() / pageSize)
                                + " of " + end);
                    }
                }
                for (int i = 0; i < pages; i++) {
                    digests.pageHash(bytes, i * pageSize, pageSize, hash, 0);
                    store.put(page + i, hash, 0);
                }
            }
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    /** {@link PageHashes} on the heap, every chunk allocated up front, so that puts of distinct pages never race. */
    private static final class Store implements PageHashes {
        private final byte[][] chunks;

        Store(long pageCount) {
            chunks = new byte[Math.toIntExact((pageCount + CHUNK_HASHES - 1) / CHUNK_HASHES)][];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = new byte[CHUNK_HASHES * BYTES];
            }
        }

        @Override
        public void put(long page, byte[] hash, int offset) {
            System.arraycopy(hash, offset, chunk(page), within(page), BYTES);
        }

        @Override
        public void get(long page, byte[] destination, int offset) {
            System.arraycopy(chunk(page), within(page), destination, offset, BYTES);
        }

        private byte[] chunk(long page) {
            if (page < 0 || page / CHUNK_HASHES >= chunks.length) {
                throw new IllegalArgumentException("page " + page + " is outside the " + (long) chunks.length * CHUNK_HASHES
                        + " pages stored");
            }
            return chunks[(int) (page / CHUNK_HASHES)];
        }

        private static int within(long page) {
            return (int) (page % CHUNK_HASHES) * BYTES;
        }
    }
}
