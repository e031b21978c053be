package dev.hotswap.fleet;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The one place that turns the SDK's failures into operator messages: which store, which bucket or
 * key, what it said, and what to check. The SDK's own texts ("Unable to execute HTTP request") say
 * little; these name the endpoint, the bucket and the environment variable to look at.
 */
final class StoreErrors {

    private StoreErrors() {
    }

    static boolean isMissingBucket(S3Exception e) {
        return "NoSuchBucket".equals(code(e));
    }

    static FleetException translate(FleetConfig config, String operation, String key, SdkException e) {
        String store = config.storeName();
        if (e instanceof S3Exception s3) {
            String code = code(s3);
            String said = (code != null ? code : "HTTP " + s3.statusCode())
                    + (message(s3) != null ? ": " + message(s3) : "");
            if (isMissingBucket(s3)) {
                return new FleetException(FleetException.Reason.NO_BUCKET, "bucket \"" + config.bucket()
                        + "\" does not exist at " + store, e);
            }
            if ("InvalidAccessKeyId".equals(code)) {
                return new FleetException(FleetException.Reason.CREDENTIALS, "the store at " + store
                        + " does not know the access key " + accessKey(config) + " (" + said + "); check "
                        + "AWS_ACCESS_KEY_ID", e);
            }
            if ("SignatureDoesNotMatch".equals(code)) {
                return new FleetException(FleetException.Reason.CREDENTIALS, "the store at " + store
                        + " refused the signature of access key " + accessKey(config) + " (" + said
                        + "); check AWS_SECRET_ACCESS_KEY", e);
            }
            if ("ExpiredToken".equals(code) || "InvalidToken".equals(code) || "TokenRefreshRequired".equals(code)) {
                return new FleetException(FleetException.Reason.CREDENTIALS, "the store at " + store
                        + " refused the session token (" + said + "); refresh the credentials", e);
            }
            if (s3.statusCode() == 403) {
                return new FleetException(FleetException.Reason.ACCESS_DENIED, "access denied: " + operation
                        + " s3://" + config.bucket() + "/" + key + " at " + store + " (" + said + "); the"
                        + " credentials need read and write access to s3://" + config.bucket() + "/"
                        + config.prefix() + "/", e);
            }
            if (s3.statusCode() == 404 && code == null) {
                // A HEAD or an empty error body: S3 says nothing more for a missing bucket.
                return new FleetException(FleetException.Reason.NO_BUCKET, "bucket \"" + config.bucket()
                        + "\" does not exist at " + store + " (or s3://" + config.bucket() + "/" + key
                        + " does not)", e);
            }
            return new FleetException(FleetException.Reason.STORE, operation + " s3://" + config.bucket() + "/"
                    + key + " failed at " + store + ": " + said + " (HTTP " + s3.statusCode() + ")", e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new FleetException(FleetException.Reason.UNREACHABLE, "the store at " + store
                    + " did not answer within " + config.requestTimeout().toMillis() + " ms (" + operation + " s3://"
                    + config.bucket() + "/" + key + ")", e);
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("Unable to load credentials")) {
            return new FleetException(FleetException.Reason.CREDENTIALS, "no credentials for the store at " + store
                    + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile or role the AWS SDK finds)", e);
        }
        Throwable network = networkCause(e);
        if (network != null) {
            return new FleetException(FleetException.Reason.UNREACHABLE, "cannot reach the store at " + store + ": "
                    + describe(network) + " (" + operation + " s3://" + config.bucket() + "/" + key + ")", e);
        }
        return new FleetException(FleetException.Reason.STORE, operation + " s3://" + config.bucket() + "/" + key
                + " failed at " + store + ": " + text, e);
    }

    private static String accessKey(FleetConfig config) {
        return config.hasExplicitCredentials() ? "\"" + config.accessKeyId() + "\"" : "of the default credential chain";
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() != null ? blankToNull(e.awsErrorDetails().errorCode()) : null;
    }

    private static String message(S3Exception e) {
        return e.awsErrorDetails() != null ? blankToNull(e.awsErrorDetails().errorMessage()) : null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return t;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return t;
            }
        }
        return null;
    }

    private static String describe(Throwable t) {
        if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
