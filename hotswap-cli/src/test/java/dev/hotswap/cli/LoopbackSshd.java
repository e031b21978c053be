package dev.hotswap.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSSH server on 127.0.0.1 for the remote end-to-end tests: a host key and a client key
 * made for the run, an sshd_config that lets only that key in as the current user, and a client
 * config whose {@code Host prod} reaches it ({@code ssh -F config prod ...}), plus {@code Host down}
 * on a port where nothing listens. If sshd is not installed or cannot start, the tests that use it
 * are skipped with the reason.
 */
final class LoopbackSshd implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path PRIVSEP = Path.of("/run/sshd");

    final Path dir;
    final Path clientConfig;
    final int port;
    private final Process sshd;
    private final Path log;

    private LoopbackSshd(Path dir, Path clientConfig, int port, Process sshd, Path log) {
        this.dir = dir;
        this.clientConfig = clientConfig;
        this.port = port;
        this.sshd = sshd;
        this.log = log;
    }

    /** Starts sshd, or skips the calling test with the reason it cannot. */
    static LoopbackSshd start() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(SSHD), SSHD + " is not installed (Debian's openssh-server)");
        String user = System.getProperty("user.name");
        if (!Files.isDirectory(PRIVSEP) && "root".equals(user)) {
            Files.createDirectories(PRIVSEP); // what the package's service creates before sshd starts
        }
        assumeTrue(Files.isDirectory(PRIVSEP), "sshd needs its privilege separation folder " + PRIVSEP);
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sshd");
        keygen(dir.resolve("host_key"));
        keygen(dir.resolve("client_key"));
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        int port = freePort();
        int closedPort = freePort();
        Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "AllowUsers " + user,
                "StrictModes no",
                "PidFile " + dir.resolve("sshd.pid"),
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "LogLevel ERROR", ""));
        Path clientConfig = Files.writeString(dir.resolve("ssh_config"), String.join("\n",
                "Host prod down",
                "  HostName 127.0.0.1",
                "  User " + user,
                "  IdentityFile " + dir.resolve("client_key"),
                "  IdentitiesOnly yes",
                "  UserKnownHostsFile " + dir.resolve("known_hosts"),
                "  StrictHostKeyChecking accept-new",
                "  BatchMode yes",
                "  ConnectTimeout 10",
                "  LogLevel ERROR",
                "Host prod",
                "  Port " + port,
                "Host down",
                "  Port " + closedPort, ""));
        Path log = dir.resolve("sshd.log");
        Process sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LoopbackSshd server = new LoopbackSshd(dir, clientConfig, port, sshd, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!server.listening()) {
            if (!sshd.isAlive() || System.nanoTime() > deadline) {
                String said = Files.readString(log, StandardCharsets.UTF_8).strip();
                server.close();
                assumeTrue(false, "sshd did not start listening on 127.0.0.1:" + port + " within 20 s: " + said);
            }
            Thread.sleep(50);
        }
        return server;
    }

    /** {@code --rsh} for this server: {@code ssh -F <client config>}, quoted for the split. */
    String rsh() {
        return "ssh -F " + RemoteShell.quote(clientConfig.toString());
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void keygen(Path key) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, "ssh-keygen failed: " + said);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        sshd.destroy();
        try {
            if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
        } catch (InterruptedException e) {
            sshd.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Lines sshd wrote, for a failure message. */
    List<String> log() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }
}
