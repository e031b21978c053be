package dev.hotswap.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One managed database as {@link Hotswap#status()} sees it: the data behind {@code hotswap ls},
 * metrics and health checks.
 *
 * @param name the managed name
 * @param path the live path, as configured
 * @param current the generation new requests get
 * @param kept earlier generations kept for rollback, most recently current first
 * @param retiring superseded generations beyond the keep count that requests still hold; each is
 *     deleted once released
 * @param lastSwap the report of the last push or rollback since the engine started, or null
 */
public record DatabaseStatus(String name, Path path, GenerationStatus current, List<GenerationStatus> kept,
        List<GenerationStatus> retiring, SwapReport lastSwap) {

    /** Copies the lists; rejects nulls where a value is required. */
    public DatabaseStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(current, "current");
        kept = List.copyOf(kept);
        retiring = List.copyOf(retiring);
    }

    /** Requests pinned to any generation of this database now. */
    public long requests() {
        long sum = current.requests();
        for (GenerationStatus generation : kept) {
            sum += generation.requests();
        }
        for (GenerationStatus generation : retiring) {
            sum += generation.requests();
        }
        return sum;
    }
}
