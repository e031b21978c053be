/**
 * The hotswap engine: embedded in a JVM web application, it replaces a live SQLite database file
 * with no restart and no failed request. It validates pushed files (header sanity check,
 * {@code PRAGMA integrity_check}, schema diff), swaps them in atomically behind a request gate,
 * serves consistent snapshots through SQLite's backup API, and answers the {@code hotswap} CLI on a
 * private Unix socket ({@code docs/protocol.md}).
 *
 * <p>The entry point is {@link dev.hotswap.engine.Hotswap}; the only exported package is
 * {@code dev.hotswap.engine}. Embedding:
 * <pre>{@code
 * Hotswap hotswap = Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))   // several allowed
 *     .drainTimeout(Duration.ofSeconds(5))
 *     .listener(new SwapListener() {                              // only for a pool of your own
 *         public void beforeSwap(String database, Path path) {
 *             hikari.getHikariPoolMXBean().softEvictConnections();
 *         }
 *     })
 *     .build()
 *     .start();                                 // admin socket at tmp/sockets/hotswap.sock
 *
 * DataSource db = hotswap.dataSource("production");   // engine-owned pool, closed at swap time
 * SwapGate gate = hotswap.gate();
 *
 * // around every request (the Jetty and Undertow adapters do this):
 * gate.enter();
 * try (Connection c = db.getConnection()) {
 *     handle(request, c);
 * } finally {
 *     gate.leave();
 * }
 * }</pre>
 *
 * <p>Requests pass the gate concurrently; a swap closes it, lets in-flight requests drain (or gives
 * up after the drain timeout with the database untouched), closes every connection to the old file,
 * renames the checked temp file over it, and reopens the gate: waiting requests continue on the new
 * file. The module needs {@code com.kohlschutter.junixsocket.nativecommon} at run time (it is
 * required here, so it is in the module graph) for junixsocket's native library.
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
