/**
 * Fleet rollouts for hotswap: one validated SQLite database to every server of an app, all or none,
 * through S3-compatible storage (AWS S3, MinIO, Cloudflare R2, Ceph, S3Proxy). Opt-in: the engine
 * knows nothing of it, and this module alone carries the AWS SDK v2 (with its light
 * {@code url-connection} HTTP client).
 *
 * <p>A rollout has two phases ({@code docs/fleet.md}): the coordinator uploads the file once with a
 * manifest; every expected node downloads it, checks it against its own live database and stages
 * it, not current, then answers ok or its refusal. Only when every node answered ok does the
 * coordinator write the commit, and the nodes flip within one poll interval; any refusal or a
 * missed deadline writes an abort instead and nobody flips.
 *
 * <p>Entry points: {@link dev.hotswap.fleet.HotswapFleet} on every server, registered on its engine
 * (it joins when the engine starts, catching up before the app serves, coordinates the CLI's
 * {@code hotswap cp ... --fleet} and {@code hotswap rollback ... --fleet}, and leaves when the engine
 * closes), and {@link dev.hotswap.fleet.Fleet} for a coordinator that serves no database (a CI job):
 * <pre>{@code
 * FleetConfig config = FleetConfig.builder("my-bucket", "web-1")   // bucket, this node's name
 *     .prefix("hotswap/shop")
 *     .endpoint(URI.create("http://127.0.0.1:9000"))                // MinIO, R2, S3Proxy; omit for AWS
 *     .pollInterval(Duration.ofSeconds(2))
 *     .build();                          // credentials and region: the SDK's default chain
 * HotswapFleet fleet = HotswapFleet.of(config);
 * Hotswap hotswap = Hotswap.builder().database("production", Path.of("db/production.sqlite3"))
 *     .rollouts(fleet)
 *     .build()
 *     .start();                                     // registers this node, catches up
 *
 * try (Fleet ci = Fleet.connect(FleetConfig.builder("my-bucket", "ci").build())) {
 *     RolloutResult result = ci.rollout("production", Path.of("new.sqlite3"), Expected.aliveNodes());
 *     result.nodes().forEach(n -> System.err.println(n.line()));
 * }
 * }</pre>
 */
module dev.hotswap.fleet {
    // HotswapFleet implements the engine's Rollouts, and its signatures name the engine's types.
    requires transitive dev.hotswap.engine;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.http;

    exports dev.hotswap.fleet;
}
