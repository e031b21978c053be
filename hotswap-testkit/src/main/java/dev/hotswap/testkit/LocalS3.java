package dev.hotswap.testkit;

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
 * The fleet's tests and the demo's fleet end-to-end tests run on it; it needs
 * {@code org.gaul:s3proxy} on the test class path (an optional dependency of this module).
 */
public final class LocalS3 implements AutoCloseable {
    private static LocalS3 shared;

    /** The JVM's one server, started on first use and stopped when the JVM exits. */
    public static synchronized LocalS3 shared() throws Exception {
        if (shared == null) {
            LocalS3 started = start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-s3proxy"));
            shared = started;
        }
        return shared;
    }

    /** The access key the store accepts. */
    public static final String ACCESS_KEY = "hotswap-test";
    /** Its secret. */
    public static final String SECRET_KEY = "hotswap-test-secret";

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;

    private LocalS3(S3Proxy proxy, BlobStore blobStore, URI endpoint) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = endpoint;
    }

    /** A server of its own (most tests share {@link #shared()}). */
    public static LocalS3 start() throws Exception {
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

    /** Where the store listens: {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return endpoint;
    }

    /** Creates {@code bucket} in the store directly (the fleet never creates buckets). */
    public void createBucket(String bucket) {
        blobStore.createContainer(bucket);
    }

    /** Stops the server. */
    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }
}
