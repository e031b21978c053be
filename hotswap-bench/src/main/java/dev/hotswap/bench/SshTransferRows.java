package dev.hotswap.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The remote rows of {@code bin/hotswap-bench transfer --ssh on}: a real OpenSSH server on
 * 127.0.0.1 (keys and configs made for the run), and through it, plain and through a
 * {@link MeteredPipe} held to the slow-link rate, {@code hotswap cp CHANGED prod:LIVE} (a delta,
 * the default over a remote link) against the whole-file pipe
 * {@code ssh prod 'hotswap cp - LIVE' < CHANGED}: wall time and the bytes the wrapper counted.
 */
final class SshTransferRows {
    private SshTransferRows() {
    }

    /** Callbacks into the transfer benchmark. */
    interface Bench {
        /** Puts the original back live. */
        void reset() throws Exception;
    }

    static void run(Path dir, Path changed, Path live, Path cli, double throttleMbs, Bench bench) throws Exception {
        Path ssh = Files.createDirectories(dir.resolve("ssh"));
        Process sshd = startSshd(ssh);
        try {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Path jar = Path.of(SshTransferRows.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path counts = ssh.resolve("counts");
            long size = Files.size(changed);
            System.out.println("| link | transfer | time | bytes up | bytes down | on the wire, of the file |");
            System.out.println("|---|---|---:|---:|---:|---:|");
            for (double rate : new double[] {0, throttleMbs}) {
                String wrapper = java + " -XX:+UseSerialGC -cp " + jar + " " + MeteredPipe.class.getName()
                        + " --rate " + rate + " --counts " + counts + " -- ssh -F " + ssh.resolve("ssh_config");
                String link = rate == 0 ? "ssh" : String.format(Locale.ROOT, "ssh, %.0f MB/s", rate);
                bench.reset();
                double delta = TransferBench.time(() -> TransferBench.exec(List.of(cli.toString(), "--rsh", wrapper,
                        "--remote-hotswap", cli.toString(), "cp", changed.toString(), "prod:" + live)));
                row(link, "hotswap cp CHANGED prod:LIVE (delta)", delta, counts, size);
                bench.reset();
                List<String> pipe = new ArrayList<>(List.of(wrapper.split(" ")));
                pipe.addAll(List.of("prod", cli + " cp - " + live));
                double whole = TransferBench.time(() -> TransferBench.execFrom(changed, pipe));
                row(link, "ssh prod 'hotswap cp - LIVE' < CHANGED", whole, counts, size);
            }
            System.out.println();
        } finally {
            sshd.destroy();
            sshd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void row(String link, String transfer, double seconds, Path counts, long size) throws IOException {
        String[] upDown = Files.readString(counts).strip().split(" ");
        long up = Long.parseLong(upDown[0]);
        long down = Long.parseLong(upDown[1]);
        System.out.printf(Locale.ROOT, "| %s | `%s` | %.2f s | %.1f MiB | %.2f MiB | %.2f %% |%n", link, transfer,
                seconds, up / 1048576.0, down / 1048576.0, 100.0 * (up + down) / size);
    }

    /** sshd on a free loopback port, letting in a key made here as the current user; {@code Host prod} in ssh_config. */
    private static Process startSshd(Path dir) throws Exception {
        Files.createDirectories(Path.of("/run/sshd"));
        TransferBench.exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString()));
        TransferBench.exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client_key").toString()));
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String user = System.getProperty("user.name");
        Files.writeString(dir.resolve("sshd_config"), String.join("\n", "ListenAddress 127.0.0.1", "Port " + port,
                "HostKey " + dir.resolve("host_key"), "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "AllowUsers " + user, "StrictModes no", "PidFile " + dir.resolve("sshd.pid"), "UsePAM no",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
                "LogLevel ERROR", ""));
        Files.writeString(dir.resolve("ssh_config"), String.join("\n", "Host prod", "  HostName 127.0.0.1",
                "  Port " + port, "  User " + user, "  IdentityFile " + dir.resolve("client_key"), "  IdentitiesOnly yes",
                "  UserKnownHostsFile " + dir.resolve("known_hosts"), "  StrictHostKeyChecking accept-new",
                "  BatchMode yes", "  LogLevel ERROR", ""));
        Process sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return sshd;
            } catch (IOException notYet) {
                if (!sshd.isAlive() || System.nanoTime() > deadline) {
                    sshd.destroy();
                    throw new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(50);
            }
        }
    }
}
