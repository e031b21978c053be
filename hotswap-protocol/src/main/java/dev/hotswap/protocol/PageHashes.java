package dev.hotswap.protocol;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The full SHA-256 hash (32 bytes) of every page of one file, by page index: what a delta transfer
 * compares, patches and finally digests. Two stores: {@link #inMemory()} (32 bytes per page on the
 * heap: 8 MiB per GiB of database; for the CLI) and {@link #inFile(FileChannel)} (a file, with one
 * window of {@value FilePageHashes#WINDOW_BYTES} bytes in memory whatever the database's size; for
 * the engine, whose host application must not pay memory in proportion to a transfer).
 * Not thread-safe.
 */
public interface PageHashes {
    /** Bytes of one full page hash. */
    int BYTES = 32;

    /** Stores the hash of {@code page}, {@link #BYTES} bytes of {@code hash} from {@code offset}. */
    void put(long page, byte[] hash, int offset) throws IOException;

    /** Copies the hash of {@code page} into {@code destination} at {@code offset}. */
    void get(long page, byte[] destination, int offset) throws IOException;

    /** A store on the heap. */
    static PageHashes inMemory() {
        return new MemoryPageHashes();
    }

    /**
     * A store in {@code file} (readable and writable, normally an empty temp file), hash {@code i}
     * at offset {@code 32 i}. The caller closes and deletes the file.
     */
    static PageHashes inFile(FileChannel file) {
        return new FilePageHashes(file);
    }
}
