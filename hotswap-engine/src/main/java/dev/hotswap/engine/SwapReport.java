package dev.hotswap.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * What a successful push or rollback did and how long each step took.
 *
 * @param database the name of the managed database
 * @param fromGeneration the generation that was current before
 * @param toGeneration the generation that is current now
 * @param bytes the size of the new current file
 * @param receive time to receive the file into its temp file and sync it ({@link Duration#ZERO} for a rollback)
 * @param integrityCheck time of {@code PRAGMA integrity_check}, {@link Duration#ZERO} if skipped or a rollback
 * @param schemaCheck time of the schema comparison, {@link Duration#ZERO} if skipped or a rollback
 * @param swap time to make the new generation durable and current: open it, point the live link at
 *     it (rename and directory fsync), record it, flip
 * @param pauseMicros the flip, in microseconds: the longest any new request could have been delayed
 *     by the swap
 * @param released time from the flip until the last request or connection of the old generation
 *     was gone, or null if some were still there when the report was made (the old generation then
 *     closes when they finish)
 */
public record SwapReport(String database, long fromGeneration, long toGeneration, long bytes, Duration receive,
        Duration integrityCheck, Duration schemaCheck, Duration swap, long pauseMicros, Duration released) {

    /** Rejects nulls (but {@code released}) and negative sizes. */
    public SwapReport {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(receive, "receive");
        Objects.requireNonNull(integrityCheck, "integrityCheck");
        Objects.requireNonNull(schemaCheck, "schemaCheck");
        Objects.requireNonNull(swap, "swap");
        if (bytes < 0 || pauseMicros < 0) {
            throw new IllegalArgumentException("bytes " + bytes + " and pauseMicros " + pauseMicros
                    + " must not be negative");
        }
    }
}
