package dev.hotswap.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * What a successful push did and how long each step took.
 *
 * @param database the name of the managed database
 * @param bytes the size of the new database file
 * @param receive time to receive the file into its temp file and sync it
 * @param integrityCheck time of {@code PRAGMA integrity_check}, {@link Duration#ZERO} if skipped
 * @param schemaCheck time of the schema comparison, {@link Duration#ZERO} if skipped
 * @param swap time from waiting for the gate to the gate reopened on the new file
 * @param pauseMicros how long the gate was closed (drain included), in microseconds: the most any
 *     request waited
 */
public record SwapReport(String database, long bytes, Duration receive, Duration integrityCheck,
        Duration schemaCheck, Duration swap, long pauseMicros) {

    /** Rejects nulls and negative sizes. */
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
