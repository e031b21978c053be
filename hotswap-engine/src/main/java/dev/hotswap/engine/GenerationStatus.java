package dev.hotswap.engine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One generation of a managed database, as {@link Hotswap#status()} sees it.
 *
 * @param id the generation's number, increasing with every new file of the database
 * @param file its file: in the generation folder, or an adopted file where it lies
 * @param since when it last became current (for one that never was: when it was made)
 * @param bytes the file's size, or -1 if it cannot be read
 * @param pauseMicros the pause of the swap that last made it current, or -1 if unknown (before a
 *     restart, or never swapped in)
 * @param requests requests pinned to it now
 * @param connections connections of it the application holds now
 * @param rolloutId the fleet rollout that brought it, or null
 */
public record GenerationStatus(long id, Path file, Instant since, long bytes, long pauseMicros, long requests,
        long connections, String rolloutId) {

    /** Rejects nulls where a value is required. */
    public GenerationStatus {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(since, "since");
    }
}
