package dev.hotswap.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.hotswap.testkit.LocalS3;

/**
 * S3Proxy 2.6.0, a store that predates the AWS SDK's default checksums (it answers {@code 501
 * NotImplemented} to {@code x-amz-checksum-*} headers, as many MinIO, Ceph and other S3-compatible
 * stores of its age do), in a JVM of its own: the module's class path holds the current S3Proxy.
 * The build copies its self-contained jar into {@code target/old-s3proxy/}. It keeps buckets as
 * folders (jclouds' file-system store), so a bucket is created by creating its folder.
 */
final class OldS3Proxy implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path dir;
    private final URI endpoint;

    private OldS3Proxy(Process process, Path dir, URI endpoint) {
        this.process = process;
        this.dir = dir;
        this.endpoint = endpoint;
    }

    /** Starts it on a free loopback port with {@link LocalS3}'s credentials; returns once it accepts connections. */
    static OldS3Proxy start() throws Exception {
        Path jar = Path.of(System.getProperty("hotswap.test.oldS3ProxyJar", "target/old-s3proxy/s3proxy-2.6.0.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no S3Proxy 2.6.0 at " + jar + ": the build copies it there"
                    + " (maven-dependency-plugin, generate-test-resources)");
        }
        Path dir = Files.createTempDirectory("old-s3proxy");
        Files.createDirectories(dir.resolve("buckets"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path properties = Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + LocalS3.ACCESS_KEY,
                "s3proxy.credential=" + LocalS3.SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("buckets"),
                "jclouds.identity=unused",
                "jclouds.credential=unused", ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(), "--properties",
                properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("s3proxy.log").toFile())
                .start();
        OldS3Proxy proxy = new OldS3Proxy(process, dir, URI.create("http://127.0.0.1:" + port));
        try {
            proxy.awaitListening(port);
        } catch (Exception e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    private void awaitListening(int port) throws Exception {
        long until = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("S3Proxy 2.6.0 exited with " + process.exitValue() + ": "
                            + Files.readString(dir.resolve("s3proxy.log")));
                }
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("S3Proxy 2.6.0 did not listen on port " + port + " within "
                            + START_TIMEOUT.toSeconds() + " s: " + Files.readString(dir.resolve("s3proxy.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /** Creates {@code bucket} (a folder of the file-system store). */
    void createBucket(String bucket) throws IOException {
        Files.createDirectories(dir.resolve("buckets").resolve(bucket));
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
