package dev.hotswap.micronaut;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.convert.format.ReadableBytes;
import io.micronaut.core.util.StringUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's configuration under {@code hotswap.*}; the databases are {@link DatabaseConfiguration}s
 * under {@code hotswap.databases.NAME.*}. Only a database's path is required:
 * <pre>
 * hotswap.databases.main.path=db/main.sqlite3
 * hotswap.socket=tmp/sockets/hotswap.sock
 * </pre>
 * Knobs left unset keep the engine's defaults (see {@code dev.hotswap.engine.HotswapBuilder}), given
 * here in brackets. {@code hotswap.enabled=false} turns the whole integration off.
 */
@ConfigurationProperties(HotswapConfiguration.PREFIX)
@Requires(property = HotswapConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
public final class HotswapConfiguration {
    /** The prefix of every property. */
    public static final String PREFIX = "hotswap";

    private boolean enabled = true;
    private Path socket;
    private boolean socketEnabled = true;
    private List<Long> allowedUids = new ArrayList<>();
    private Integer maxConnections;
    private Duration idleTimeout;
    private Duration warmUpTimeout;
    private Integer poolSize;
    private Integer keep;
    private Duration pinWarning;
    private Long diskReserve;
    private Long minUploadRate;

    /** Whether to run the engine at all [true]. */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** The admin socket's path [tmp/sockets/hotswap.sock in the working directory]. */
    public Path getSocket() {
        return socket;
    }

    public void setSocket(Path socket) {
        this.socket = socket;
    }

    /** Whether to serve the admin socket [true]; false leaves only the in-process API. */
    public boolean isSocketEnabled() {
        return socketEnabled;
    }

    public void setSocketEnabled(boolean socketEnabled) {
        this.socketEnabled = socketEnabled;
    }

    /** Peer uids allowed on the admin socket besides the server's own [none]. */
    public List<Long> getAllowedUids() {
        return allowedUids;
    }

    public void setAllowedUids(List<Long> allowedUids) {
        this.allowedUids = allowedUids;
    }

    /** Admin connections served at once, 1 to 64 [4]. */
    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** How long an admin connection may stay silent before it is closed [30s]. */
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /**
     * The longest the warm-up statements of one swap may run together; past it a push is refused
     * and a rollback goes on [60s].
     */
    public Duration getWarmUpTimeout() {
        return warmUpTimeout;
    }

    public void setWarmUpTimeout(Duration warmUpTimeout) {
        this.warmUpTimeout = warmUpTimeout;
    }

    /** Connections per generation of each database in the engine's own pool, 1 to 256 [8]. */
    public Integer getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(Integer poolSize) {
        this.poolSize = poolSize;
    }

    /** Earlier generations of each database kept for {@code hotswap rollback}, 0 to 1000 [1]. */
    public Integer getKeep() {
        return keep;
    }

    public void setKeep(Integer keep) {
        this.keep = keep;
    }

    /** How long a superseded generation may stay held before a warning names it [60s]. */
    public Duration getPinWarning() {
        return pinWarning;
    }

    public void setPinWarning(Duration pinWarning) {
        this.pinWarning = pinWarning;
    }

    /** Free space a push leaves on the database's volume, such as {@code 64MB} [64MB]; 0 lets a push use it up. */
    public Long getDiskReserve() {
        return diskReserve;
    }

    public void setDiskReserve(@ReadableBytes Long diskReserve) {
        this.diskReserve = diskReserve;
    }

    /** The slowest upload the admin socket accepts, per second, such as {@code 16KB} [16KB]. */
    public Long getMinUploadRate() {
        return minUploadRate;
    }

    public void setMinUploadRate(@ReadableBytes Long minUploadRate) {
        this.minUploadRate = minUploadRate;
    }
}
