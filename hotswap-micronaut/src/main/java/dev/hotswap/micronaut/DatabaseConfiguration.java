package dev.hotswap.micronaut;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One managed database, {@code hotswap.databases.NAME.*}: the CLI names it by {@code NAME} or by its
 * path, and it is the {@code DataSource} bean {@code @Named("NAME")}.
 * <pre>
 * hotswap.databases.main.path=db/main.sqlite3
 * hotswap.databases.main.create-if-missing=true
 * hotswap.databases.main.warm-up[0]=SELECT count(*) FROM items
 * hotswap.databases.main.checks.has-items=SELECT count(*) &gt; 0 FROM items
 * </pre>
 */
@EachProperty(HotswapConfiguration.PREFIX + ".databases")
@Requires(property = HotswapConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
public final class DatabaseConfiguration {
    private final String name;
    private Path path;
    private boolean createIfMissing;
    private List<String> warmUp = new ArrayList<>();
    private Map<String, String> checks = new LinkedHashMap<>();

    /** The database named {@code name}. */
    public DatabaseConfiguration(@Parameter String name) {
        this.name = name;
    }

    /** The database's name. */
    public String getName() {
        return name;
    }

    /** The SQLite file; required. */
    public Path getPath() {
        return path;
    }

    public void setPath(Path path) {
        this.path = path;
    }

    /**
     * Whether the engine creates an empty WAL database where the path leads to nothing at start, for
     * the application's migrations [false, as the engine: a mistyped path then fails at start].
     */
    public boolean isCreateIfMissing() {
        return createIfMissing;
    }

    public void setCreateIfMissing(boolean createIfMissing) {
        this.createIfMissing = createIfMissing;
    }

    /** Statements run on every new generation before it goes live [none]. */
    public List<String> getWarmUp() {
        return warmUp;
    }

    public void setWarmUp(List<String> warmUp) {
        this.warmUp = warmUp;
    }

    /** SQL checks of every candidate by check name: each {@code SELECT} must answer true [none]. */
    public Map<String, String> getChecks() {
        return checks;
    }

    public void setChecks(Map<String, String> checks) {
        this.checks = checks;
    }
}
