package dev.hotswap.engine;

import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hotswap.protocol.SocketFolder;

import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;

/**
 * The admin socket: a Unix domain socket (junixsocket) the {@code hotswap} CLI talks to.
 *
 * <ul>
 * <li>The socket file is mode 0600 (0660 when other uids are allowed: they connect through its
 *     group); its directory is created 0700 when missing, and an existing one
 *     must belong to the server's user and be writable by no one else ({@link SocketFolder}), or
 *     the server refuses to start.</li>
 * <li>Every connection's peer credentials are checked: a uid other than the server's own (or an
 *     allowed one) gets {@code EXIT 1} and is logged with its uid and pid.</li>
 * <li>A socket file nobody answers on (a dead server's) is replaced; if a live server answers, or
 *     the path is not a socket, the server refuses to start.</li>
 * <li>At most {@code maxConnections} conversations at once; more are answered busy. Other allowed
 *     uids get all but one: the last is kept for the server's own uid. A connection
 *     silent for the idle timeout, or not reading what the server writes for as long, is closed.
 *     A failing conversation never stops the server.</li>
 * <li>{@link #close()} stops accepting, ends the conversations, and removes the socket file.</li>
 * </ul>
 */
final class AdminServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int BACKLOG = 16;
    /** How long {@link #close()} waits for running conversations after cutting them off. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Hotswap engine;
    private final Path socketPath;
    private final AFUNIXServerSocket server;
    private final Object socketFileKey;
    private final long ownUid;
    private final long[] allowedUids;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final Semaphore permits;
    private final ExecutorService handlers;
    private final Refusals refusals = new Refusals(daemonThreads("hotswap-admin-refused-"));
    private final Thread acceptor;
    private final Thread watchdog;
    private final Set<AdminConnection> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private AdminServer(Hotswap engine, Path socketPath, AFUNIXServerSocket server, Object socketFileKey, long ownUid,
            long[] allowedUids, int maxConnections, Duration idleTimeout) {
        this.engine = engine;
        this.socketPath = socketPath;
        this.server = server;
        this.socketFileKey = socketFileKey;
        this.ownUid = ownUid;
        this.allowedUids = allowedUids.clone();
        this.maxConnections = maxConnections;
        this.idleTimeout = idleTimeout;
        this.permits = new Semaphore(maxConnections);
        this.handlers = Executors.newCachedThreadPool(daemonThreads("hotswap-admin-"));
        this.acceptor = daemonThreads("hotswap-admin-accept").newThread(this::acceptLoop);
        this.watchdog = daemonThreads("hotswap-admin-watchdog").newThread(this::watchLoop);
    }

    /** Binds {@code socketPath} and starts accepting. */
    static AdminServer start(Hotswap engine, Path socketPath, long[] allowedUids, int maxConnections,
            Duration idleTimeout) throws IOException {
        Path dir = socketPath.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        // Before anything is deleted or bound there: a folder others may write into is not ours.
        SocketFolder.requireTrusted(dir, List.of(SocketFolder.currentUser()));
        AFUNIXSocketAddress address = AFUNIXSocketAddress.of(socketPath);
        replaceStaleSocket(socketPath, address);
        AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
        try {
            // No silent takeover of an existing file: a live server's socket must make bind fail.
            server.setReuseAddress(false);
            server.bind(address, BACKLOG);
            // Other allowed users connect through the socket file's group (docs/SECURITY.md); the
            // peer's uid is checked all the same.
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString(
                    allowedUids.length > 0 ? "rw-rw----" : "rw-------"));
            BasicFileAttributes attributes = Files.readAttributes(socketPath, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            // The socket file is ours, so its owner is this process's effective uid.
            long ownUid = ((Number) Files.getAttribute(socketPath, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
            AdminServer admin = new AdminServer(engine, socketPath, server, attributes.fileKey(), ownUid, allowedUids,
                    maxConnections, idleTimeout);
            admin.acceptor.start();
            admin.watchdog.start();
            LOG.log(System.Logger.Level.INFO, "admin socket " + socketPath + " listening (uid " + ownUid
                    + (allowedUids.length > 0 ? ", also allowed " + Arrays.toString(allowedUids) : "") + ")");
            return admin;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Fails if a live server answers on {@code socketPath}; touches nothing. The engine asks this
     * before it takes its databases, so that a second instance on the same socket leaves the first
     * one's files alone.
     */
    static void refuseIfLive(Path socketPath) throws IOException {
        if (!Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        AFUNIXSocket probe;
        try {
            probe = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socketPath));
        } catch (SocketException e) {
            return; // nobody answers: start() replaces the stale socket file
        }
        probe.close();
        throw new IOException("a live server answers on " + socketPath + "; refusing to start a second one");
    }

    /** Deletes a socket file no server answers on; refuses a live one or a file that is no socket. */
    private static void replaceStaleSocket(Path socketPath, AFUNIXSocketAddress address) throws IOException {
        if (!Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = ((Number) Files.getAttribute(socketPath, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(socketPath + " exists and is not a socket; refusing to replace it");
        }
        AFUNIXSocket probe;
        try {
            probe = AFUNIXSocket.connectTo(address);
        } catch (SocketException e) {
            // Connection refused: the server that made it is gone.
            LOG.log(System.Logger.Level.INFO, "replacing stale socket " + socketPath);
            Files.deleteIfExists(socketPath);
            return;
        }
        probe.close();
        throw new IOException("a live server answers on " + socketPath + "; refusing to start a second one");
    }

    private void acceptLoop() {
        while (!closed) {
            AFUNIXSocket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.ERROR, "admin socket accept failed; retrying", e);
                    pause();
                }
                continue;
            }
            try {
                admit(socket);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "admin connection dropped before its conversation", e);
                closeQuietly(socket);
            }
        }
    }

    private void admit(AFUNIXSocket socket) throws IOException {
        AFUNIXSocketCredentials peer = socket.getPeerCredentials();
        long uid = peer == null ? -1 : peer.getUid();
        long pid = peer == null ? -1 : peer.getPid();
        if (!allowed(uid)) {
            LOG.log(System.Logger.Level.WARNING, "refused admin connection from uid " + uid + " pid " + pid
                    + " (allowed: uid " + ownUid + (allowedUids.length > 0 ? ", " + Arrays.toString(allowedUids) : "") + ")");
            refusals.answer(socket, "ERROR: permission denied: uid " + uid + " may not use this hotswap server");
            return;
        }
        // Other allowed users may take every slot but one: the server's own user can always get in
        // (to look, or to push a fix) while they hold the rest. Only this thread acquires, so the
        // check and the acquisition cannot be split by another.
        boolean kept = uid != ownUid && maxConnections > 1 && permits.availablePermits() <= 1;
        if (closed || kept || !permits.tryAcquire()) {
            LOG.log(System.Logger.Level.WARNING, "admin connection from uid " + uid + " pid " + pid
                    + " refused: " + (maxConnections - permits.availablePermits()) + " of " + maxConnections
                    + " conversations running" + (kept ? ", and the last is kept for uid " + ownUid : ""));
            refusals.answer(socket, kept
                    ? "ERROR: server busy (" + (maxConnections - 1) + " admin connections at once for other users;"
                            + " the last is kept for the server's own user); try again"
                    : "ERROR: server busy (" + maxConnections + " admin connections at once); try again");
            return;
        }
        AdminConnection connection = new AdminConnection(engine, socket, uid, pid, idleTimeout);
        active.add(connection);
        try {
            handlers.execute(() -> {
                try {
                    connection.run();
                } finally {
                    active.remove(connection);
                    permits.release();
                }
            });
        } catch (RuntimeException e) {
            active.remove(connection);
            permits.release();
            throw e;
        }
    }

    private boolean allowed(long uid) {
        if (uid < 0) {
            return false;
        }
        if (uid == ownUid) {
            return true;
        }
        for (long allowed : allowedUids) {
            if (allowed == uid) {
                return true;
            }
        }
        return false;
    }

    /** Closes connections whose writes have been blocked longer than the idle timeout. */
    private void watchLoop() {
        long period = Math.max(5, idleTimeout.toMillis() / 4);
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (AdminConnection connection : active) {
                connection.closeIfStalled(now, idleTimeout.toNanos());
            }
        }
    }

    /** Conversations running now. */
    int conversations() {
        return maxConnections - permits.availablePermits();
    }

    /** Stops accepting, ends every conversation, waits briefly for them, and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the admin socket failed", e);
        }
        acceptor.interrupt();
        watchdog.interrupt();
        active.forEach(AdminConnection::abort);
        handlers.shutdown();
        refusals.close();
        try {
            // A conversation inside a swap finishes the swap first: file work, no waiting on requests.
            if (!handlers.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "admin conversations still running after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeSocketFile();
        LOG.log(System.Logger.Level.INFO, "admin socket " + socketPath + " closed");
    }

    /** Deletes the socket file if it is still the one this server bound (not a successor's). */
    private void removeSocketFile() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(socketPath, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (socketFileKey != null && socketFileKey.equals(attributes.fileKey())) {
                Files.deleteIfExists(socketPath);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // junixsocket removed it already
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove socket file " + socketPath, e);
        }
    }

    private void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AFUNIXSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            thread.setDaemon(true);
            return thread;
        };
    }
}
