package dev.hotswap.cli;

/**
 * Whether a {@code cp}'s data travels compressed: {@code --compress=auto|always|never}. Compressing
 * only pays where the link is slower than the compressor, which this host's socket never is, so the
 * default asks for it over a remote link only: the same question, {@link Connection#remote()}, that
 * makes a delta the default there ({@link TransferChoice}). What is asked for is adaptive on both
 * sides (blocks that do not shrink, and all blocks while the link keeps up with raw bytes, go raw),
 * and needs a server of protocol 4: an older one is never asked and gets raw bytes.
 */
enum CompressChoice {
    /** The default: compress over a remote link, never on this host's socket. */
    AUTO,
    /**
     * Compress as over a remote link whatever the link: for a socket that is a tunnel to another host
     * ({@code ssh -L}), which this command cannot tell from a local one.
     */
    ALWAYS,
    /** Never compress. */
    NEVER;

    /** Parses the option's value as users write it: {@code auto}, {@code always}, {@code never}. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<CompressChoice> {
        @Override
        public CompressChoice convert(String value) {
            for (CompressChoice choice : values()) {
                if (choice.name().equalsIgnoreCase(value)) {
                    return choice;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is none of auto, always, never");
        }
    }

    /** Whether to ask for compressed data streams, given whether the link is remote. */
    boolean compresses(boolean remoteLink) {
        return switch (this) {
            case AUTO -> remoteLink;
            case ALWAYS -> true;
            case NEVER -> false;
        };
    }
}
