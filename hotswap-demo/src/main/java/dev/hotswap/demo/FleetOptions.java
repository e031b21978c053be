package dev.hotswap.demo;

import dev.hotswap.fleet.FleetConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The demo's {@code --fleet-*} options: with them, the demo's engine joins a fleet
 * ({@code hotswap-fleet}) through an S3-compatible store, so that several demos on loopback form one
 * ({@code docs/fleet.md}, "Trying it on one machine"). Credentials come from
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, the region from {@code AWS_REGION} (the
 * AWS SDK's usual chains).
 */
final class FleetOptions {
    @Option(names = "--fleet-endpoint", paramLabel = "URL",
            description = "The fleet's S3-compatible store (bin/hotswap-s3-local prints one); omit for AWS S3.")
    String endpoint;

    @Option(names = "--fleet-bucket", paramLabel = "NAME", description = "The fleet's bucket; joins the fleet.")
    String bucket;

    @Option(names = "--fleet-node", paramLabel = "NAME", description = "This server's name in the fleet.")
    String node;

    @Option(names = "--fleet-poll-ms", paramLabel = "MS",
            description = "How often the node looks for rollouts (default: ${DEFAULT-VALUE}).")
    long pollMillis = 2000;

    @Option(names = "--fleet-deadline-s", paramLabel = "S",
            description = "How long a rollout this server coordinates waits for answers (default: ${DEFAULT-VALUE}).")
    long deadlineSeconds = 300;

    /**
     * The fleet configuration these options ask for, or null without {@code --fleet-bucket}.
     *
     * @throws ParameterException for a bucket without a node or the reverse, an endpoint without
     *     them, a malformed URL or name, or a non-positive interval
     */
    FleetConfig config(CommandSpec spec) {
        if (bucket == null && node == null) {
            if (endpoint != null) {
                throw new ParameterException(spec.commandLine(), "--fleet-endpoint needs --fleet-bucket and --fleet-node");
            }
            return null;
        }
        if (bucket == null || node == null) {
            throw new ParameterException(spec.commandLine(), "--fleet-bucket and --fleet-node go together");
        }
        if (pollMillis < 10 || deadlineSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--fleet-poll-ms must be 10 or more and --fleet-deadline-s"
                    + " 1 or more, not " + pollMillis + " and " + deadlineSeconds);
        }
        try {
            FleetConfig.Builder config = FleetConfig.builder(bucket, node).pollInterval(Duration.ofMillis(pollMillis))
                    .answerDeadline(Duration.ofSeconds(deadlineSeconds));
            if (endpoint != null) {
                config.endpoint(new URI(endpoint));
            }
            return config.build();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--fleet-*: " + e.getMessage());
        }
    }
}
