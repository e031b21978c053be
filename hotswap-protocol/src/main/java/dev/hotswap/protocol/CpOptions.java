package dev.hotswap.protocol;

/** The options a {@code cp} REQUEST may carry, by their names on the wire. */
public final class CpOptions {
    /** Flag ({@code "true"}): push without {@code PRAGMA integrity_check}. */
    public static final String SKIP_INTEGRITY_CHECK = "skip-integrity-check";
    /** Flag ({@code "true"}): push even if the schema differs, or the latest migration is older. */
    public static final String SKIP_SCHEMA_CHECK = "skip-schema-check";
    /**
     * Flag ({@code "true"}): a dry run; the push runs every check, reports it, and discards the file
     * instead of swapping. A server that predates it refuses the request as an unknown option, so an
     * old server never swaps what was meant as a dry run.
     */
    public static final String DRY_RUN = "dry-run";
    /**
     * The application's checks to skip on a push, by name, comma-separated ({@code a,b}); a name the
     * database does not have is refused.
     */
    public static final String SKIP_CHECK = "skip-check";
    /**
     * SRC's size in bytes, in decimal, when the client knows it (a regular file, not a pipe): the
     * server refuses a push that does not fit before its {@code READY}. A pull ignores it, since the
     * client cannot tell a push from a pull before {@code READY}.
     */
    public static final String SIZE = "size";
    /**
     * Protocol 2: the client offers a delta; the value is the page size of its file (a push) or of
     * the copy it already holds (a pull). See {@code docs/protocol.md}, "Delta transfers (version 2)".
     */
    public static final String DELTA = "delta";

    /**
     * Protocol 4, flag ({@code "true"}): the link between the two is slow (a remote one), so the data
     * streams of this {@code cp}, both ways, may carry {@code COMPRESSED} frames, each sender
     * compressing where that pays ({@link DataCompression#ADAPTIVE}). Never sent to an older server,
     * which would refuse it as an unknown option.
     */
    public static final String COMPRESS = "compress";

    private CpOptions() {
    }

    /** The value of {@link #SIZE}: a decimal byte count; -1 if {@code value} is not one. */
    public static long parseSize(String value) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(value);
    }
}
