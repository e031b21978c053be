package dev.hotswap.cli;

/**
 * Whether {@code cp} offers a delta: {@code --delta}, {@code --full}, or, by default, what is
 * fastest over the link. On this host's socket that is the whole file, which costs about a
 * {@code cp}: a delta costs the server a copy and a hash pass of the live database (its base) and
 * this process a hash pass of the other file, which only pays when the bytes it saves cross a slow
 * link. The one place that weighs the link, so that a remote transport only has to say it is one.
 */
enum TransferChoice {
    /** Neither option: a delta over a remote link, the whole file on a local one. */
    FASTEST,
    /** {@code --delta}: only the pages that changed, whatever the link. */
    DELTA,
    /** {@code --full}: the whole file, whatever the link. */
    FULL;

    /** Whether to offer a delta, given whether the link is remote. */
    boolean offersDelta(boolean remoteLink) {
        return switch (this) {
            case FASTEST -> remoteLink;
            case DELTA -> true;
            case FULL -> false;
        };
    }
}
