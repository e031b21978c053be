/**
 * The suite every server adapter runs, {@link dev.hotswap.testkit.AdapterContract}: an adapter's tests
 * subclass it with a few lines that start their server in front of the
 * {@linkplain dev.hotswap.testkit.TestRoutes test app}, and inherit every test. Around it:
 * {@link dev.hotswap.testkit.LiveServer}, the running server as the tests drive it;
 * {@link dev.hotswap.testkit.Dataset}, a SQLite file with the test schema and what a reader returns for
 * it; {@link dev.hotswap.testkit.Hammer}, client threads that send requests in a loop and tally the
 * ones that did not answer as expected; {@link dev.hotswap.testkit.SlowClient}, a client that sends and
 * reads when told; {@link dev.hotswap.testkit.Await}, bounded waits that say what they wait for. And
 * {@link dev.hotswap.testkit.LocalS3}, a real S3-compatible store on loopback (S3Proxy) for the
 * fleet's tests and the demo's fleet end-to-end tests.
 *
 * <p>Test scope only, never shipped. A plain jar on purpose, without a module descriptor: see this
 * module's pom.
 */
package dev.hotswap.testkit;
