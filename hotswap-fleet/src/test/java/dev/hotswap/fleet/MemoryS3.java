package dev.hotswap.fleet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One bucket in memory behind the SDK's {@link S3Client} interface: the requests the fleet sends
 * (GET with {@code If-None-Match}, PUT with {@code If-None-Match: *}, DELETE, LIST), answered as S3
 * answers them, errors included (404, 304, 412). Every write gets a new ETag. Thread-safe.
 */
final class MemoryS3 implements S3Client {
    private record Stored(byte[] bytes, String etag, Instant modified, Map<String, String> metadata) {
    }

    private final Map<String, Stored> objects = new TreeMap<>();
    private long writes;

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public synchronized <T> T getObject(GetObjectRequest request,
            ResponseTransformer<GetObjectResponse, T> transformer) {
        Stored stored = objects.get(request.key());
        if (stored == null) {
            throw error(404, "NoSuchKey", "no object " + request.key());
        }
        if (stored.etag().equals(request.ifNoneMatch())) {
            throw error(304, "NotModified", "not modified");
        }
        GetObjectResponse response = GetObjectResponse.builder().eTag(stored.etag())
                .contentLength((long) stored.bytes().length).lastModified(stored.modified())
                .metadata(stored.metadata()).build();
        try {
            return transformer.transform(response, AbortableInputStream.create(new ByteArrayInputStream(stored.bytes())));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("transforming " + request.key(), e);
        }
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
        return getObject(request, ResponseTransformer.toInputStream());
    }

    @Override
    public synchronized PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        byte[] bytes;
        try (InputStream in = body.contentStreamProvider().newStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if ("*".equals(request.ifNoneMatch()) && objects.containsKey(request.key())) {
            throw error(412, "PreconditionFailed", "at least one of the preconditions you specified did not hold");
        }
        String etag = "\"" + ++writes + "\"";
        objects.put(request.key(), new Stored(bytes, etag, Instant.now(),
                request.metadata() != null ? Map.copyOf(request.metadata()) : Map.of()));
        return PutObjectResponse.builder().eTag(etag).build();
    }

    @Override
    public synchronized DeleteObjectResponse deleteObject(DeleteObjectRequest request) {
        objects.remove(request.key());
        return DeleteObjectResponse.builder().build();
    }

    @Override
    public synchronized ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
        List<S3Object> listed = new ArrayList<>();
        String prefix = request.prefix() != null ? request.prefix() : "";
        objects.forEach((key, stored) -> {
            if (key.startsWith(prefix)) {
                listed.add(S3Object.builder().key(key).eTag(stored.etag()).lastModified(stored.modified())
                        .size((long) stored.bytes().length).build());
            }
        });
        ListObjectsV2Response.Builder response = ListObjectsV2Response.builder().contents(listed).isTruncated(false)
                .keyCount(listed.size());
        response.sdkHttpResponse(SdkHttpResponse.builder().statusCode(200)
                .putHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC)))
                .build());
        return response.build();
    }

    /** An error as S3 answers it: the HTTP status and S3's error code. */
    static S3Exception error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("S3")
                        .build())
                .build();
    }
}
