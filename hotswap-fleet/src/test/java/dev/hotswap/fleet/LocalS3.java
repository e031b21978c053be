package dev.hotswap.fleet;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3-compatible server on loopback for the tests: S3Proxy over its in-memory store, with
 * AWS signature checking on, started on a free port. One server serves every test class in the JVM
 * ({@link #shared()}: starting S3Proxy costs seconds); each test class works in a bucket of its own.
 */
final class LocalS3 implements AutoCloseable {
    private static LocalS3 shared;

    /** The JVM's one server, started on first use and stopped when the JVM exits. */
    static synchronized LocalS3 shared() throws Exception {
        if (shared == null) {
            LocalS3 started = start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-s3proxy"));
            shared = started;
        }
        return shared;
    }

    static final String ACCESS_KEY = "hotswap-test";
    static final String SECRET_KEY = "hotswap-test-secret";

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;

    private LocalS3(S3Proxy proxy, BlobStore blobStore, URI endpoint) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = endpoint;
    }

    static LocalS3 start() throws Exception {
        BlobStore blobStore = BlobStores.create("transient-nio2", new Properties());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > until) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start within 20 s: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new LocalS3(proxy, blobStore, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    URI endpoint() {
        return endpoint;
    }

    /** Creates {@code bucket} in the store directly (the fleet never creates buckets). */
    void createBucket(String bucket) {
        blobStore.createContainer(bucket);
    }

    /** A configuration for node {@code node} on {@code bucket}, with test-sized intervals. */
    FleetConfig.Builder config(String bucket, String node) {
        return FleetConfig.builder(bucket, node)
                .endpoint(endpoint)
                .credentials(ACCESS_KEY, SECRET_KEY)
                .pollInterval(Duration.ofMillis(100))
                .heartbeatInterval(Duration.ofSeconds(2))
                .answerDeadline(Duration.ofSeconds(30))
                .flipTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }
}
