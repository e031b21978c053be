package dev.hotswap.engine;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How much of the validation a push skips. The header sanity check (SQLite magic, page size, file
 * size against the page count) always runs, so a truncated or foreign file never reaches the swap.
 *
 * @param skipIntegrityCheck skip {@code PRAGMA integrity_check} on the incoming file
 * @param skipSchemaCheck skip the comparison of the incoming schema with the live one
 * @param skipChecks names of the database's {@link CandidateCheck}s to skip; a name the database
 *     does not have is refused by the push
 */
public record PushOptions(boolean skipIntegrityCheck, boolean skipSchemaCheck, Set<String> skipChecks) {

    private static final PushOptions DEFAULTS = new PushOptions(false, false);

    /** Copies {@code skipChecks}. */
    public PushOptions {
        skipChecks = Set.copyOf(skipChecks);
    }

    /** Options that skip none of the application's checks. */
    public PushOptions(boolean skipIntegrityCheck, boolean skipSchemaCheck) {
        this(skipIntegrityCheck, skipSchemaCheck, Set.of());
    }

    /** Every check on. */
    public static PushOptions defaults() {
        return DEFAULTS;
    }

    /** These options, also skipping the application's checks named {@code names}. */
    public PushOptions skippingChecks(String... names) {
        Set<String> skipped = new HashSet<>(skipChecks);
        skipped.addAll(List.of(names));
        return new PushOptions(skipIntegrityCheck, skipSchemaCheck, skipped);
    }
}
