package dev.hotswap.fleet;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Builds the SDK's S3 client from a {@link FleetConfig}: the url-connection HTTP client with the
 * configured timeouts, the credentials and region (explicit, or the SDK's chains), and path-style
 * addressing for an S3-compatible endpoint.
 */
final class S3Clients {
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private S3Clients() {
    }

    static S3Client create(FleetConfig config) throws FleetException {
        Duration connect = config.requestTimeout().compareTo(MAX_CONNECT_TIMEOUT) < 0
                ? config.requestTimeout() : MAX_CONNECT_TIMEOUT;
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(connect)
                        .socketTimeout(config.requestTimeout())
                        .build())
                .overrideConfiguration(o -> o.apiCallTimeout(config.requestTimeout()))
                // No "Expect: 100-continue" on uploads: the JDK's HttpURLConnection (under the
                // url-connection client) intermittently fails such PUTs with "Error writing request
                // body to server" against S3-compatible stores, and the SDK's retry of a conditional
                // PUT that did land then looks like a lost race. Our uploads are small or in parts.
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .region(region(config))
                .credentialsProvider(config.hasExplicitCredentials()
                        ? StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()))
                        : DefaultCredentialsProvider.builder().build());
        Optional<URI> endpoint = config.endpoint();
        if (endpoint.isPresent()) {
            // S3-compatible stores (MinIO, S3Proxy, Ceph) address buckets by path, not by host name.
            builder.endpointOverride(endpoint.get()).forcePathStyle(true)
                    // Since 2.30 the SDK sends a CRC32 with every upload and asks for one with every
                    // download; stores older than that (S3Proxy 2.6, MinIO, Ceph of its age) answer
                    // 501 NotImplemented to the headers. The fleet checks every file's SHA-256 itself,
                    // and ObjectStore asks for a CRC32C on uploads where the store takes one.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    private static Region region(FleetConfig config) throws FleetException {
        if (config.region().isPresent()) {
            return Region.of(config.region().get());
        }
        if (config.endpoint().isPresent()) {
            // Only the local sources: the default chain would end by asking EC2's instance metadata
            // service, a network call (with its timeouts) that means nothing to a MinIO or R2 endpoint.
            AwsRegionProviderChain local = new AwsRegionProviderChain(new SystemSettingsRegionProvider(),
                    new AwsProfileRegionProvider());
            try {
                return local.getRegion();
            } catch (SdkException e) {
                return Region.US_EAST_1;
            }
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException e) {
            throw new FleetException(FleetException.Reason.STORE, "no AWS region: set AWS_REGION (or a profile's"
                    + " region), or give the fleet an endpoint", e);
        }
    }
}
