/**
 * The hotswap engine: embedded in the host application, it serves the admin socket, validates pushed
 * databases, swaps them in atomically behind the {@link dev.hotswap.engine.SwapGate request gate},
 * and serves consistent snapshots.
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
