package dev.hotswap.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The fleet's view of the bucket: a few operations on keys, each mapping the SDK's failures to a
 * {@link FleetException} that says what happened in the operator's words. One instance per
 * {@link Fleet} or {@link FleetNode}; thread-safe (the SDK client is).
 */
final class ObjectStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ObjectStore.class.getName());

    private final FleetConfig config;
    private final S3Client s3;
    private volatile Boolean conditionalWrites;
    /** Whether the store takes CRC32C checksums on uploads; null until probed. */
    private volatile Boolean uploadChecksums;
    /** Whether the store implements multipart uploads; null until the first large upload finds out. */
    private volatile Boolean multipartUploads;

    ObjectStore(FleetConfig config) throws FleetException {
        this(config, S3Clients.create(config));
    }

    /**
     * A store on {@code s3}, which it closes: the seam through which tests put an in-memory or
     * fault-injecting client under the fleet. Production builds the SDK's client from {@code config}.
     */
    ObjectStore(FleetConfig config, S3Client s3) {
        this.config = config;
        this.s3 = s3;
    }

    FleetConfig config() {
        return config;
    }

    /**
     * Checks that the bucket exists and the credentials may list the prefix: the one call that turns
     * a misconfiguration into a clear error before anything else happens.
     */
    void check() throws FleetException {
        call("list", config.prefix() + "/", () -> s3.listObjectsV2(b -> b.bucket(config.bucket())
                .prefix(config.prefix() + "/").maxKeys(1)));
    }

    /** The object's bytes, or empty if there is none. */
    Optional<byte[]> get(String key) throws FleetException {
        Outcome<ResponseBytes<GetObjectResponse>> read = callExpecting("read", key,
                () -> s3.getObjectAsBytes(b -> b.bucket(config.bucket()).key(key)), NOT_FOUND);
        return read.status() == NOT_FOUND ? Optional.empty() : Optional.of(read.value().asByteArray());
    }

    /** An object read with a conditional GET: its bytes and ETag, or null bytes when unchanged. */
    record Fetched(byte[] bytes, String etag) {
        boolean changed() {
            return bytes != null;
        }
    }

    /**
     * Reads the object unless its ETag is still {@code etag} (one request, answered {@code 304 Not
     * Modified} and no body when unchanged).
     *
     * @return the object and its ETag, {@code (null, etag)} if unchanged, or empty if there is none
     */
    Optional<Fetched> getIfChanged(String key, String etag) throws FleetException {
        Outcome<ResponseBytes<GetObjectResponse>> read = callExpecting("read", key, () -> s3.getObjectAsBytes(b -> {
            b.bucket(config.bucket()).key(key);
            if (etag != null) {
                b.ifNoneMatch(etag);
            }
        }), NOT_FOUND, NOT_MODIFIED);
        return switch (read.status()) {
            case NOT_FOUND -> Optional.empty();
            case NOT_MODIFIED -> Optional.of(new Fetched(null, etag));
            default -> Optional.of(new Fetched(read.value().asByteArray(), read.value().response().eTag()));
        };
    }

    /** Writes the object, replacing any. */
    void put(String key, byte[] bytes) throws FleetException {
        call("write", key, () -> s3.putObject(b -> b.bucket(config.bucket()).key(key), RequestBody.fromBytes(bytes)));
    }

    /**
     * Creates the object only if there is none: {@code If-None-Match: *} where the store supports it
     * (AWS S3, MinIO, R2, S3Proxy), so that of two writers at the same moment exactly one succeeds.
     * Where the store ignores it, a check before and a read-back after catch all but a race inside
     * one round trip; the first use logs which of the two this store gets.
     *
     * @return whether this call created it; {@code false} if the key already existed
     */
    boolean putIfAbsent(String key, byte[] bytes) throws FleetException {
        if (supportsConditionalWrites()) {
            if (callExpecting("create", key, () -> s3.putObject(conditional(key), RequestBody.fromBytes(bytes)),
                    PRECONDITION_FAILED).status() != PRECONDITION_FAILED) {
                return true;
            }
            // A 412 after the SDK retried a PUT whose first attempt landed (the connection failed
            // before the answer) is our own object: every created object here is unique (nonce, time).
            return get(key).map(existing -> Arrays.equals(existing, bytes)).orElse(false);
        }
        if (get(key).isPresent()) {
            return false;
        }
        put(key, bytes);
        return get(key).map(back -> Arrays.equals(back, bytes)).orElse(false);
    }

    private PutObjectRequest conditional(String key) {
        return PutObjectRequest.builder().bucket(config.bucket()).key(key).ifNoneMatch("*").build();
    }

    /** Whether the store refuses {@code If-None-Match: *} on an existing key; probed once. */
    boolean supportsConditionalWrites() throws FleetException {
        Boolean known = conditionalWrites;
        if (known != null) {
            return known;
        }
        String key = new Layout(config.prefix()).probe(config.node());
        byte[] probe = KeyValues.create("probe").put("node", config.node()).put("at", Instant.now()).toBytes();
        put(key, probe);
        boolean supported;
        try {
            supported = callExpecting("create", key, () -> s3.putObject(conditional(key), RequestBody.fromBytes(probe)),
                    PRECONDITION_FAILED).status() == PRECONDITION_FAILED;
        } catch (FleetException e) {
            if (e.reason() != FleetException.Reason.STORE) {
                throw e;
            }
            supported = false; // 501 Not Implemented, 400 for an unknown header, and the like
        }
        if (!supported) {
            LOG.log(Level.WARNING, "the store at {0} ignores conditional writes (If-None-Match: *): two rollouts"
                    + " started within one round trip of each other may not be told apart", config.storeName());
        }
        conditionalWrites = supported;
        return supported;
    }

    /** Deletes the object (nothing if there is none). */
    void delete(String key) throws FleetException {
        call("delete", key, () -> s3.deleteObject(b -> b.bucket(config.bucket()).key(key)));
    }

    /** An object in a listing. */
    record Listed(String key, Instant lastModified, String etag) {
    }

    /** A listing and the store's clock when it answered (from the {@code Date} header). */
    record Listing(List<Listed> objects, Instant storeNow) {
    }

    /** Every object under {@code prefix}. */
    Listing list(String prefix) throws FleetException {
        List<Listed> objects = new ArrayList<>();
        Instant now = null;
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call("list", prefix, () -> s3.listObjectsV2(b -> b.bucket(config.bucket())
                    .prefix(prefix).continuationToken(continuation)));
            for (S3Object object : page.contents()) {
                objects.add(new Listed(object.key(), object.lastModified(), object.eTag()));
            }
            if (now == null) {
                now = page.sdkHttpResponse().firstMatchingHeader("Date").map(ObjectStore::httpDate).orElse(null);
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return new Listing(objects, now != null ? now : Instant.now());
    }

    private static Instant httpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Uploads {@code file}: in one request up to the part size, else as a multipart upload; the
     * object keeps the file's SHA-256 as metadata. Every request carries a CRC32C the store checks
     * where the store takes one ({@link #supportsUploadChecksums()}); the nodes verify the SHA-256 of
     * what they download either way. A store without multipart uploads gets the file in one request,
     * up to S3's 5 GiB. A failed multipart upload is aborted, so no parts linger.
     */
    void upload(String key, Path file, String sha256) throws FleetException, IOException {
        try {
            upload(key, file, sha256, supportsUploadChecksums());
        } catch (NotImplementedException e) {
            throw new FleetException(FleetException.Reason.STORE, "the store at " + config.storeName()
                    + " does not implement " + e.getMessage() + " (501 NotImplemented), which the fleet needs to"
                    + " upload s3://" + config.bucket() + "/" + key);
        }
    }

    /**
     * Whether the store takes a CRC32C with an upload; probed once, with a small upload to the probe
     * key. Stores that predate the SDK's checksums (S3Proxy 2.6, MinIO and Ceph of that age) refuse
     * the checksum headers or the trailer-signed body that carries them ({@code 501 NotImplemented},
     * {@code 400}); they get uploads without, and a logged warning.
     */
    boolean supportsUploadChecksums() throws FleetException {
        Boolean known = uploadChecksums;
        if (known != null) {
            return known;
        }
        String key = new Layout(config.prefix()).probe(config.node());
        byte[] probe = KeyValues.create("probe").put("node", config.node()).put("at", Instant.now()).toBytes();
        boolean supported;
        try {
            call("write", key, () -> s3.putObject(b -> b.bucket(config.bucket()).key(key)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C), RequestBody.fromBytes(probe)));
            supported = true;
        } catch (FleetException e) {
            if (e.reason() != FleetException.Reason.STORE) {
                throw e;
            }
            supported = false;
            LOG.log(Level.WARNING, "the store at {0} does not take upload checksums (x-amz-checksum-crc32c: {1});"
                    + " uploading without them: every node still verifies the SHA-256 of what it downloads",
                    config.storeName(), e.getMessage());
        }
        uploadChecksums = supported;
        return supported;
    }

    /** The largest object S3 takes in one PUT. */
    private static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;

    private void upload(String key, Path file, String sha256, boolean checksums)
            throws FleetException, IOException, NotImplementedException {
        long size = Files.size(file);
        Map<String, String> metadata = Map.of("sha256", sha256);
        ChecksumAlgorithm checksum = checksums ? ChecksumAlgorithm.CRC32_C : null;
        if (size <= config.partSize() || Boolean.FALSE.equals(multipartUploads) && size <= MAX_SINGLE_PUT) {
            callImplemented("upload", key, () -> s3.putObject(b -> b.bucket(config.bucket()).key(key)
                    .metadata(metadata).checksumAlgorithm(checksum), RequestBody.fromFile(file)));
            return;
        }
        String uploadId;
        try {
            uploadId = callImplemented("multipart upload", key, () -> s3.createMultipartUpload(b -> b
                    .bucket(config.bucket()).key(key).metadata(metadata).checksumAlgorithm(checksum))).uploadId();
        } catch (NotImplementedException e) {
            if (size > MAX_SINGLE_PUT) {
                throw e; // a file over 5 GiB has no other way up
            }
            multipartUploads = false;
            LOG.log(Level.WARNING, "the store at {0} does not implement multipart uploads (501 NotImplemented);"
                    + " uploading files of up to 5 GiB in one request", config.storeName());
            upload(key, file, sha256, checksums);
            return;
        }
        multipartUploads = true;
        boolean done = false;
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            long left = size;
            for (int number = 1; left > 0; number++) {
                byte[] part = in.readNBytes((int) Math.min(config.partSize(), left));
                if (part.length == 0) {
                    throw new IOException(file + " shrank while it was uploaded");
                }
                left -= part.length;
                int partNumber = number;
                UploadPartResponse uploaded = callImplemented("upload part " + number + " of", key, () -> s3.uploadPart(
                        b -> b.bucket(config.bucket()).key(key).uploadId(uploadId).partNumber(partNumber)
                                .checksumAlgorithm(checksum), RequestBody.fromBytes(part)));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(uploaded.eTag())
                        .checksumCRC32C(uploaded.checksumCRC32C()).build());
            }
            call("complete upload of", key, () -> s3.completeMultipartUpload(b -> b.bucket(config.bucket()).key(key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
            done = true;
        } finally {
            if (!done) {
                try {
                    call("abort upload of", key, () -> s3.abortMultipartUpload(b -> b.bucket(config.bucket())
                            .key(key).uploadId(uploadId)));
                } catch (FleetException e) {
                    LOG.log(Level.WARNING, "could not abort the multipart upload of {0}: {1}", key, e.getMessage());
                }
            }
        }
    }

    /** An upload request the store answered with {@code 501 NotImplemented}; the message names the request. */
    private static final class NotImplementedException extends Exception {
        private static final long serialVersionUID = 1L;

        NotImplementedException(String operation) {
            super(operation, null, false, false);
        }
    }

    /** Runs one SDK call of an upload; {@code 501 NotImplemented} is thrown as such, for a fallback. */
    private <T> T callImplemented(String operation, String key, Supplier<T> request)
            throws FleetException, NotImplementedException {
        Outcome<T> outcome = callExpecting(operation, key, request, NOT_IMPLEMENTED);
        if (outcome.status() == NOT_IMPLEMENTED) {
            throw new NotImplementedException(operation);
        }
        return outcome.value();
    }

    /** Opens the object for reading; the stream's failures are {@link IOException}s. */
    InputStream open(String key) throws FleetException {
        Outcome<ResponseInputStream<GetObjectResponse>> opened = callExpecting("download", key,
                () -> s3.getObject(b -> b.bucket(config.bucket()).key(key)), NOT_FOUND);
        if (opened.status() == NOT_FOUND) {
            throw new FleetException(FleetException.Reason.NOT_FOUND, "s3://" + config.bucket() + "/" + key
                    + " does not exist (deleted from the bucket?)");
        }
        return opened.value();
    }

    @Override
    public void close() {
        s3.close();
    }

    /** Runs one SDK call, mapping its failures through {@link StoreErrors}. */
    private <T> T call(String operation, String key, Supplier<T> request) throws FleetException {
        return callExpecting(operation, key, request).value();
    }

    private static final int NOT_MODIFIED = 304;
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;
    private static final int NOT_IMPLEMENTED = 501;

    /** A call's value, or the expected error status it ended with instead (value null). */
    private record Outcome<T>(T value, int status) {
    }

    /**
     * Runs one SDK call; an S3 error whose HTTP status is one of {@code expected} is returned as that
     * status (a 404 only for a missing key, never for a missing bucket), any other failure is mapped
     * through {@link StoreErrors}.
     */
    private <T> Outcome<T> callExpecting(String operation, String key, Supplier<T> request, int... expected)
            throws FleetException {
        try {
            return new Outcome<>(request.get(), 0);
        } catch (S3Exception e) {
            for (int status : expected) {
                if (e.statusCode() == status && !StoreErrors.isMissingBucket(e)) {
                    return new Outcome<>(null, status);
                }
            }
            throw StoreErrors.translate(config, operation, key, e);
        } catch (AbortedException e) {
            // The SDK stops a call when its thread is interrupted (a closing server), and may clear the
            // flag: set it again, so that the caller's next wait ends at once too.
            Thread.currentThread().interrupt();
            throw StoreErrors.translate(config, operation, key, e);
        } catch (SdkException e) {
            throw StoreErrors.translate(config, operation, key, e);
        }
    }
}
