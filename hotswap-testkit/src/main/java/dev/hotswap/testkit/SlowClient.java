package dev.hotswap.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An HTTP/1.0 client on a plain socket that sends and reads only when the test says so, as a slow
 * client does: a body that trickles in a byte at a time, a response it does not read yet. HTTP/1.0 so
 * that the server marks the end of the response by closing the connection, without chunking.
 */
public final class SlowClient implements AutoCloseable {
    /** What the server answered: the status code and the body as text. */
    public record Answer(int status, String body) {
    }

    /** A receive buffer this small keeps what the server can write ahead of the reader to a few KiB. */
    private static final int RECEIVE_BUFFER = 16 * 1024;

    private final Socket socket;
    private final OutputStream out;

    private SlowClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to 127.0.0.1:{@code port} and sends the head of a request, {@code contentLength} body
     * bytes announced (0 for none); the body follows with {@link #send} and {@link #trickle}.
     */
    public static SlowClient open(int port, String method, String path, int contentLength) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            socket.setSoTimeout((int) Await.PATIENCE.toMillis());
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    (int) Await.PATIENCE.toMillis());
            SlowClient client = new SlowClient(socket);
            String head = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + (contentLength > 0 ? "Content-Type: text/plain\r\nContent-Length: " + contentLength + "\r\n" : "")
                    + "\r\n";
            client.send(head.getBytes(StandardCharsets.US_ASCII));
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code bytes} at once. */
    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code bytes} one at a time, pausing {@code pause} after each. */
    public void trickle(byte[] bytes, Duration pause) throws IOException, InterruptedException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
            Thread.sleep(pause.toMillis());
        }
    }

    /** Reads the whole response, up to the server closing the connection. */
    public Answer answer() throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (InputStream in = socket.getInputStream()) {
            in.transferTo(received);
        }
        String response = received.toString(StandardCharsets.UTF_8);
        int headEnd = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/1.") || headEnd < 0) {
            throw new IOException("not an HTTP response: "
                    + response.substring(0, Math.min(200, response.length())));
        }
        int status = Integer.parseInt(response.substring(9, 12));
        return new Answer(status, response.substring(headEnd + 4));
    }

    /** Closes the connection, wherever the request is: a client that gives up. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
