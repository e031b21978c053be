package dev.hotswap.cli;

import dev.hotswap.protocol.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The server's Unix domain socket on this host: the JDK's own {@link SocketChannel} (no native
 * library), reached only after {@link TrustedUsers} has checked the socket's folder and the peer.
 * The local CLI and the remote side's {@code hotswap relay} both connect through here, so both
 * check the same trust rules.
 *
 * <p>The byte streams are {@link ChannelStreams}, not {@code Channels.newInputStream} and
 * {@code newOutputStream}: on JDK 17 those take the channel's blocking lock for each call, so a
 * thread waiting for the server's next frame would stop the upload thread from writing.
 */
final class SocketLink implements Link {
    private final Path socket;
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private SocketLink(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.in = new ChannelStreams.In(channel);
        this.out = new ChannelStreams.Out(channel);
    }

    /**
     * Connects to the server at the absolute path {@code socket} and checks that it is one of the
     * {@code trusted} users'.
     *
     * @throws CommandFailure exit 3 if the socket does not exist, its folder is not private, it
     *     refuses the connection, or the server runs as a user not trusted
     */
    static SocketLink connect(Path socket, TrustedUsers trusted) throws CommandFailure {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw CommandFailure.unreachable("no hotswap server at " + socket
                    + ": no such socket (is the app running? Use --socket PATH or HOTSWAP_SOCKET)");
        }
        trusted.requirePrivateFolder(socket);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            // A push streams the file in frames of 256 KiB; with the default buffer (about 200 KiB)
            // every frame costs the two processes several wake-ups.
            channel.setOption(StandardSocketOptions.SO_SNDBUF, Protocol.SOCKET_BUFFER);
        } catch (IOException e) {
            throw CommandFailure.unreachable("cannot open a Unix domain socket: " + e.getMessage());
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(connectable(socket)));
        } catch (IOException e) {
            closeQuietly(channel);
            String reason = e instanceof ConnectException ? "connection refused (is the app running?)"
                    : Objects.requireNonNullElse(e.getMessage(), e.toString());
            throw CommandFailure.unreachable("cannot connect to the hotswap server at " + socket + ": " + reason);
        }
        try {
            trusted.requireTrustedPeer(channel, socket);
        } catch (CommandFailure e) {
            closeQuietly(channel);
            throw e;
        }
        return new SocketLink(socket, channel);
    }

    /**
     * The path to hand to {@code connect}: the absolute one, or, when that is longer than the
     * kernel allows, the same socket relative to the process's working directory if that is short
     * enough (deploy trees can be deep).
     */
    static Path connectable(Path socket) {
        if (utf8Length(socket) <= Protocol.MAX_SOCKET_PATH) {
            return socket;
        }
        Path cwd = Path.of("").toAbsolutePath();
        if (socket.startsWith(cwd)) {
            Path relative = cwd.relativize(socket);
            if (utf8Length(relative) <= Protocol.MAX_SOCKET_PATH) {
                return relative;
            }
        }
        return socket;
    }

    private static int utf8Length(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // already closed: nothing left to stop
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    @Override
    public boolean remote() {
        return false;
    }

    @Override
    public String peer() {
        return "the server at " + socket;
    }

    @Override
    public Duration handshakeTimeout(Duration local) {
        return local;
    }

    @Override
    public CommandFailure handshakeFailed(CommandFailure usual) {
        return usual;
    }

    @Override
    public CommandFailure conversationFailed(CommandFailure usual) {
        return usual; // the socket's error is all there is to say
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a Unix socket cannot fail in a way we could act on
        }
    }
}
