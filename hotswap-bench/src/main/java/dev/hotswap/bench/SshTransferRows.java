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
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The remote rows of {@code bin/hotswap-bench transfer --ssh on}: a real OpenSSH server on
 * 127.0.0.1 (keys and configs made for the run), and through it, plain and through a
 * {@link MeteredPipe} held to the slow-link rate, {@code hotswap cp CHANGED prod:LIVE} (a delta,
 * the default over a remote link) against the whole-file pipe
 * {@code ssh prod 'hotswap cp - LIVE' < CHANGED}: wall time and the bytes the wrapper counted. Each
 * run follows a whole-file push of the original: the delta twice, right after it (the engine's
 * background hash pass of that generation still running, on the same two cores) and once the pass
 * is done ("live hashed": a push to a database that has been live a while); the pipe after the pass
 * too, which would otherwise slow it as well. After
 * the table, where a delta push's time goes: each line the CLI printed, at the second it arrived,
 * and the start-up costs alone ({@code hotswap version} here, and through the wrapper and ssh).
 */
final class SshTransferRows {
    private SshTransferRows() {
    }

    /** Callbacks into the transfer benchmark. */
    interface Bench {
        /** Puts the original back live; returns the generation it is now. */
        long reset() throws Exception;
    }

    /** The last generation the engine said it hashed in the background (its INFO line), and waits for one. */
    private static final class HashedInBackground extends Handler {
        private final Logger logger = Logger.getLogger("dev.hotswap.engine.HashPass");
        private long last = -1;

        HashedInBackground() {
            logger.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            Object[] parameters = record.getParameters();
            if (record.getMessage().contains("hashed generation") && parameters != null && parameters.length > 1) {
                last = Math.max(last, ((Number) parameters[1]).longValue());
                notifyAll();
            }
        }

        /** Waits up to 30 s for the pass of {@code generation}; says so if it did not come. */
        synchronized void await(long generation) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (last < generation && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, deadline - System.nanoTime()));
            }
            if (last < generation) {
                System.out.println("(no background pass of generation " + generation + " within 30 s)");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    static void run(Path dir, Path changed, Path live, Path cli, double throttleMbs, Bench bench) throws Exception {
        Path ssh = Files.createDirectories(dir.resolve("ssh"));
        Process sshd = startSshd(ssh);
        try {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            TransferBench.exec(List.of("ssh", "-F", ssh.resolve("ssh_config").toString(), "prod", "true")); // known_hosts
            Path jar = Path.of(SshTransferRows.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path counts = ssh.resolve("counts");
            long size = Files.size(changed);
            System.out.println("| link | transfer | time | bytes up | bytes down | on the wire, of the file |");
            System.out.println("|---|---|---:|---:|---:|---:|");
            List<String> timelines = new ArrayList<>();
            HashedInBackground hashed = new HashedInBackground();
            for (double rate : new double[] {0, throttleMbs}) {
                String wrapper = java + " -XX:+UseSerialGC -cp " + jar + " " + MeteredPipe.class.getName()
                        + " --rate " + rate + " --counts " + counts + " -- ssh -F " + ssh.resolve("ssh_config");
                String link = rate == 0 ? "ssh" : String.format(Locale.ROOT, "ssh, %.0f MB/s", rate);
                for (boolean settled : new boolean[] {false, true}) {
                    long generation = bench.reset();
                    if (settled) {
                        hashed.await(generation);
                    }
                    List<String> lines = new ArrayList<>();
                    double delta = TransferBench.time(() -> lines.addAll(timed(List.of(cli.toString(), "--rsh", wrapper,
                            "--remote-hotswap", cli.toString(), "cp", changed.toString(), "prod:" + live))));
                    String transfer = "hotswap cp CHANGED prod:LIVE (delta" + (settled ? ", live hashed)" : ")");
                    row(link, transfer, delta, counts, size);
                    timelines.add("`" + transfer + "`, " + link + ", the CLI's lines as they arrived:");
                    timelines.addAll(lines);
                }
                hashed.await(bench.reset());
                List<String> pipe = new ArrayList<>(List.of(wrapper.split(" ")));
                pipe.addAll(List.of("prod", cli + " cp - " + live));
                double whole = TransferBench.time(() -> TransferBench.execFrom(changed, pipe));
                row(link, "ssh prod 'hotswap cp - LIVE' < CHANGED", whole, counts, size);
            }
            System.out.println();
            hashed.close();
            timelines.forEach(System.out::println);
            String plain = java + " -XX:+UseSerialGC -cp " + jar + " " + MeteredPipe.class.getName()
                    + " --rate 0 --counts " + counts + " -- ssh -F " + ssh.resolve("ssh_config");
            List<String> sshAlone = List.of("ssh", "-F", ssh.resolve("ssh_config").toString(), "prod");
            System.out.printf(Locale.ROOT, "%nStart-up alone: `hotswap version` %.2f s; `ssh prod true` %.2f s; through"
                    + " the wrapper, `ssh prod true` %.2f s and `ssh prod hotswap version` %.2f s.%n%n",
                    TransferBench.time(() -> TransferBench.exec(List.of(cli.toString(), "version"))),
                    TransferBench.time(() -> TransferBench.exec(concat(sshAlone, "true"))),
                    TransferBench.time(() -> TransferBench.exec(concat(List.of(plain.split(" ")), "prod", "true"))),
                    TransferBench.time(() -> TransferBench.exec(concat(List.of(plain.split(" ")), "prod",
                            cli + " version"))));
        } finally {
            sshd.destroy();
            sshd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> concat(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return all;
    }

    /** Runs {@code command}; returns each line of its output prefixed with the seconds since the start. */
    private static List<String> timed(List<String> command) throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null;) {
                lines.add(String.format(Locale.ROOT, "    %6.2f s  %s", (System.nanoTime() - start) / 1e9, line));
            }
        }
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command + " failed:\n" + String.join("\n", lines));
        }
        lines.add(String.format(Locale.ROOT, "    %6.2f s  (exit)", (System.nanoTime() - start) / 1e9));
        return lines;
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
