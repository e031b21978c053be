package dev.hotswap.protocol;

/** Client and server speak different protocol versions; neither proceeds. */
public final class VersionMismatchException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final int clientVersion;
    private final int serverVersion;

    /** The client spoke {@code clientVersion}, the server {@code serverVersion}. */
    public VersionMismatchException(int clientVersion, int serverVersion) {
        super("protocol version mismatch (client " + clientVersion + ", server " + serverVersion + ")");
        this.clientVersion = clientVersion;
        this.serverVersion = serverVersion;
    }

    /** The version the client spoke. */
    public int clientVersion() {
        return clientVersion;
    }

    /** The version the server spoke. */
    public int serverVersion() {
        return serverVersion;
    }
}
