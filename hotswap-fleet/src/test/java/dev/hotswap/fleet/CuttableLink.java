package dev.hotswap.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback between one node and the store that the test can cut, as a network
 * partition would: open connections are closed and new ones are refused. The node keeps running; it
 * just cannot reach the store any more.
 */
final class CuttableLink implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    CuttableLink(URI target) throws IOException {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "link-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The endpoint to give the node instead of the store's. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!cut) {
            try {
                Socket client = keep(server.accept());
                Socket upstream = keep(new Socket(target.getAddress(), target.getPort()));
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return; // cut
            }
        }
    }

    /** Tracks {@code socket} for the cut; one accepted while the cut happens is closed at once. */
    private synchronized Socket keep(Socket socket) throws IOException {
        if (cut) {
            socket.close();
            throw new IOException("cut");
        }
        sockets.add(socket);
        return socket;
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side or the cut closed it
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** The partition: every connection closes, and new ones are refused. */
    synchronized void cut() {
        cut = true;
        closeQuietly(server);
        sockets.forEach(CuttableLink::closeQuietly);
    }

    @Override
    public void close() {
        cut();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
