package dev.hotswap.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a dry run ({@link Hotswap#check}) found: the file passed every check a push would have run,
 * and was deleted; nothing became a generation.
 *
 * @param database the name of the managed database
 * @param bytes the size of the checked file
 * @param integrityCheck time of {@code PRAGMA integrity_check}, {@link Duration#ZERO} if skipped
 * @param schemaCheck time of the schema comparison, {@link Duration#ZERO} if skipped
 * @param checks the time of each of the application's {@link CandidateCheck}s that ran, by name, in
 *     the order they ran (skipped ones are absent)
 */
public record CheckReport(String database, long bytes, Duration integrityCheck, Duration schemaCheck,
        Map<String, Duration> checks) {

    /** Rejects nulls; copies {@code checks}, keeping its order. */
    public CheckReport {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(integrityCheck, "integrityCheck");
        Objects.requireNonNull(schemaCheck, "schemaCheck");
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }
}
