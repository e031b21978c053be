package dev.hotswap.fleet;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a fleet keeps its objects and how often it looks: an immutable value built by
 * {@link #builder(String, String)}. Not a record, so that {@link #toString()} cannot print the secret
 * key.
 *
 * <p>Credentials and region come from the AWS SDK's default chains unless set here: the credentials
 * from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} (then system properties, profiles,
 * container and instance roles), the region from {@code AWS_REGION} (then profiles and instance
 * metadata). With an {@link Builder#endpoint endpoint} and no region anywhere, {@code us-east-1} is
 * used: S3-compatible stores ignore it but the request signature needs one.
 *
 * <p>Deliberately missing: per-operation retry knobs (the SDK's standard retries apply), TLS
 * settings (the JVM's), and any way to turn the checks off.
 */
public final class FleetConfig {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** How many times more often the parties of an undecided rollout look than an idle node. */
    static final int ROLLOUT_POLLS_PER_INTERVAL = 4;
    /** S3's smallest part (but the last) of a multipart upload. */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    private final String bucket;
    private final String prefix;
    private final String node;
    private final URI endpoint;
    private final String region;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final Duration pollInterval;
    private final Duration heartbeatInterval;
    private final Duration nodeTimeout;
    private final Duration answerDeadline;
    private final Duration flipTimeout;
    private final Duration requestTimeout;
    private final long partSize;
    private final Duration abandonFloor;

    private FleetConfig(Builder b) {
        this.bucket = b.bucket;
        this.prefix = b.prefix;
        this.node = b.node;
        this.endpoint = b.endpoint;
        this.region = b.region;
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
        this.pollInterval = b.pollInterval;
        this.heartbeatInterval = b.heartbeatInterval;
        this.nodeTimeout = b.nodeTimeout != null ? b.nodeTimeout : b.heartbeatInterval.multipliedBy(3);
        this.answerDeadline = b.answerDeadline;
        this.flipTimeout = b.flipTimeout;
        this.requestTimeout = b.requestTimeout;
        this.partSize = b.partSize;
        this.abandonFloor = b.abandonFloor;
    }

    /**
     * A builder for the fleet in {@code bucket}, seen from the node named {@code node} (for a
     * coordinator that serves no database, any name that says who started the rollouts).
     *
     * @param bucket an existing bucket
     * @param node this server's name in the fleet: 1 to 63 letters, digits, {@code .}, {@code _} or
     *     {@code -}, starting with a letter or digit, unique in the fleet
     */
    public static Builder builder(String bucket, String node) {
        return new Builder(bucket, node);
    }

    /** The bucket. */
    public String bucket() {
        return bucket;
    }

    /** The key prefix every fleet object lives under, without a trailing slash ({@code hotswap}). */
    public String prefix() {
        return prefix;
    }

    /** This node's name. */
    public String node() {
        return node;
    }

    /** The store's endpoint, or empty for AWS S3 itself. */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** The region set here, or empty for the SDK's region chain. */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /** Whether credentials were set here (otherwise the SDK's default chain supplies them). */
    public boolean hasExplicitCredentials() {
        return accessKeyId != null;
    }

    String accessKeyId() {
        return accessKeyId;
    }

    String secretAccessKey() {
        return secretAccessKey;
    }

    /** How often a node looks for news (one conditional GET): a flip follows a commit within it. */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** How often a node rewrites its registration. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** A node whose registration is older than this is not alive and not expected by new rollouts. */
    public Duration nodeTimeout() {
        return nodeTimeout;
    }

    /** How long after a rollout starts every expected node has to answer; then it aborts. */
    public Duration answerDeadline() {
        return answerDeadline;
    }

    /** How long a coordinator waits for the nodes' flip reports after a commit. */
    public Duration flipTimeout() {
        return flipTimeout;
    }

    /** The longest one call to the store may take, retries included. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Files larger than this are uploaded in parts of this size. */
    public long partSize() {
        return partSize;
    }

    /**
     * How often the parties of an undecided rollout look: its coordinator for the answers and the
     * flips, a node that answered ok for the decision. A quarter of the poll interval, so that the
     * nodes flip within about a quarter interval of each other; it costs GETs only while a rollout
     * is undecided (seconds), not while the fleet is idle.
     */
    Duration rolloutPollInterval() {
        return pollInterval.dividedBy(ROLLOUT_POLLS_PER_INTERVAL);
    }

    /**
     * How long past its deadline a rollout with no decision counts as abandoned (its coordinator
     * died): nodes then drop what they staged, and a new rollout may close it with an abort.
     */
    Duration abandonAfter() {
        Duration polls = pollInterval.multipliedBy(5);
        return polls.compareTo(abandonFloor) > 0 ? polls : abandonFloor;
    }

    /** Describes the store for error messages: the endpoint, or AWS S3 and the region. */
    String storeName() {
        return endpoint != null ? endpoint.toString() : "AWS S3" + (region != null ? " (" + region + ")" : "");
    }

    @Override
    public String toString() {
        return "FleetConfig[bucket=" + bucket + ", prefix=" + prefix + ", node=" + node + ", endpoint="
                + (endpoint == null ? "AWS" : endpoint) + ", region=" + (region == null ? "(chain)" : region)
                + ", credentials=" + (accessKeyId == null ? "(chain)" : accessKeyId + "/***")
                + ", pollInterval=" + pollInterval + ", heartbeatInterval=" + heartbeatInterval
                + ", nodeTimeout=" + nodeTimeout + ", answerDeadline=" + answerDeadline + ", flipTimeout="
                + flipTimeout + ", requestTimeout=" + requestTimeout + ", partSize=" + partSize + "]";
    }

    /** Checks a node or database name that becomes part of object keys. */
    static String requireName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " \"" + name + "\" must be 1 to 63 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit");
        }
        return name;
    }

    /** Builds a {@link FleetConfig}; every setting is checked when set, the whole at {@link #build()}. */
    public static final class Builder {
        private final String bucket;
        private final String node;
        private String prefix = "hotswap";
        private URI endpoint;
        private String region;
        private String accessKeyId;
        private String secretAccessKey;
        private Duration pollInterval = Duration.ofSeconds(2);
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private Duration nodeTimeout;
        private Duration answerDeadline = Duration.ofMinutes(5);
        private Duration flipTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private long partSize = 16L * 1024 * 1024;
        private Duration abandonFloor = Duration.ofSeconds(10);

        private Builder(String bucket, String node) {
            Objects.requireNonNull(bucket, "bucket");
            if (bucket.isBlank() || bucket.contains("/")) {
                throw new IllegalArgumentException("bucket \"" + bucket + "\" must be a bucket name, not a path");
            }
            this.bucket = bucket;
            this.node = requireName("node name", node);
        }

        /** The key prefix (default {@code hotswap}); several fleets can share a bucket under other prefixes. */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            String trimmed = prefix.replaceAll("^/+|/+$", "");
            if (trimmed.isEmpty() || trimmed.contains("//")) {
                throw new IllegalArgumentException("prefix \"" + prefix + "\" must be a non-empty key prefix");
            }
            this.prefix = trimmed;
            return this;
        }

        /** The store's endpoint, for S3-compatible stores ({@code http://127.0.0.1:9000}); path-style addressing. */
        public Builder endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (endpoint.getScheme() == null || endpoint.getHost() == null
                    || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
                throw new IllegalArgumentException("endpoint " + endpoint + " must be an http:// or https:// URL");
            }
            this.endpoint = endpoint;
            return this;
        }

        /** The region, instead of the SDK's region chain. */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** Static credentials, instead of the SDK's default chain (which reads the usual environment). */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            return this;
        }

        /** How often nodes look for news (default 2 s). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive("pollInterval", interval);
            return this;
        }

        /** How often nodes rewrite their registration (default 10 s). */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive("heartbeatInterval", interval);
            return this;
        }

        /** When a silent node stops counting as alive (default three heartbeat intervals). */
        public Builder nodeTimeout(Duration timeout) {
            this.nodeTimeout = positive("nodeTimeout", timeout);
            return this;
        }

        /** How long every expected node has to answer a rollout (default 5 min). */
        public Builder answerDeadline(Duration deadline) {
            this.answerDeadline = positive("answerDeadline", deadline);
            return this;
        }

        /** How long a coordinator waits for the flip reports after a commit (default 30 s). */
        public Builder flipTimeout(Duration timeout) {
            this.flipTimeout = positive("flipTimeout", timeout);
            return this;
        }

        /** The longest one call to the store may take, retries included (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /** The part size of multipart uploads (default 16 MiB, at least 5 MiB). */
        public Builder partSize(long bytes) {
            if (bytes < MIN_PART_SIZE) {
                throw new IllegalArgumentException("partSize " + bytes + " is below S3's minimum " + MIN_PART_SIZE);
            }
            this.partSize = bytes;
            return this;
        }

        /**
         * The least time past its deadline before an undecided rollout counts as abandoned (10 s):
         * for tests that walk through abandoned rollouts without waiting that long.
         */
        Builder abandonFloor(Duration floor) {
            this.abandonFloor = positive("abandonFloor", floor);
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if the node timeout is not longer than the heartbeat
         *     interval, or the flip timeout is shorter than the poll interval
         */
        public FleetConfig build() {
            Duration liveness = nodeTimeout != null ? nodeTimeout : heartbeatInterval.multipliedBy(3);
            if (liveness.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalArgumentException("nodeTimeout " + liveness + " must exceed heartbeatInterval "
                        + heartbeatInterval + ", or live nodes look dead between heartbeats");
            }
            if (flipTimeout.compareTo(pollInterval) < 0) {
                throw new IllegalArgumentException("flipTimeout " + flipTimeout + " must be at least pollInterval "
                        + pollInterval + ": nodes flip within one poll interval of the commit");
            }
            return new FleetConfig(this);
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " " + value + " must be positive");
            }
            return value;
        }
    }
}
