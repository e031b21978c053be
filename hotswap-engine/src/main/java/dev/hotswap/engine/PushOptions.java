package dev.hotswap.engine;

/**
 * How much of the validation a push skips. The header sanity check (SQLite magic, page size, file
 * size against the page count) always runs, so a truncated or foreign file never reaches the swap.
 *
 * @param skipIntegrityCheck skip {@code PRAGMA integrity_check} on the incoming file
 * @param skipSchemaCheck skip the comparison of the incoming schema with the live one
 */
public record PushOptions(boolean skipIntegrityCheck, boolean skipSchemaCheck) {

    private static final PushOptions DEFAULTS = new PushOptions(false, false);

    /** Every check on. */
    public static PushOptions defaults() {
        return DEFAULTS;
    }
}
