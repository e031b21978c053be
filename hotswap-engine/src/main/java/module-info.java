/**
 * The hotswap engine: embedded in a JVM web application, it replaces a live SQLite database with no
 * restart and no failed request. Every pushed file is validated (header sanity check,
 * {@code PRAGMA integrity_check}, schema diff, the application's own
 * {@link dev.hotswap.engine.CandidateCheck}s; a dry run stops there) and becomes a
 * <em>generation</em> with a file of its own beside the data; the live path is a link to the current one. Requests pin the generation they
 * started on and a swap only flips which one new requests get, so no request waits. It also serves
 * consistent snapshots while the application writes (whole or by delta), rolls back to kept
 * generations, and answers the {@code hotswap} CLI on a private Unix socket ({@code docs/protocol.md}).
 *
 * <p>The entry point is {@link dev.hotswap.engine.Hotswap}; the only exported package is
 * {@code dev.hotswap.engine}. Embedding:
 * <pre>{@code
 * Hotswap hotswap = Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))   // several allowed
 *     .keep(2)                                                    // generations kept for rollback
 *     .build()
 *     .start();                                 // admin socket at tmp/sockets/hotswap.sock
 *
 * DataSource db = hotswap.dataSource("production");   // connections of the request's generation
 * SwapGate gate = hotswap.gate();
 *
 * // around every request (the Jetty and Undertow adapters do this):
 * Pin pin = gate.enter();
 * try (Connection c = db.getConnection()) {
 *     handle(request, c);
 * } finally {
 *     pin.leave();
 * }
 * }</pre>
 *
 * <p>An app that runs on several servers joins them into a fleet through
 * {@link dev.hotswap.engine.Rollouts} ({@code HotswapBuilder.rollouts}), which the opt-in
 * {@code hotswap-fleet} module implements; the engine itself knows nothing of object stores.
 *
 * <p>The module needs {@code com.kohlschutter.junixsocket.nativecommon} at run time (it is required
 * here, so it is in the module graph) for junixsocket's native library.
 */
module dev.hotswap.engine {
    requires transitive java.sql;
    requires dev.hotswap.protocol;
    requires org.xerial.sqlitejdbc;
    requires org.newsclub.net.unix;
    requires com.kohlschutter.junixsocket.nativecommon;
    requires io.github.javadiffutils;

    exports dev.hotswap.engine;
}
