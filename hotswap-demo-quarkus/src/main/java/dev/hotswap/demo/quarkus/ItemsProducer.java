package dev.hotswap.demo.quarkus;

import dev.hotswap.demo.core.Items;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * Every demo's {@link Items} as a CDI bean on the extension's {@code DataSource}: the class is plain
 * Java from hotswap-demo-core, with no bean annotations, so it is produced here. Singleton, not
 * application-scoped: a final class can have no client proxy, and this one needs none.
 */
@Singleton
class ItemsProducer {
    /** The one database is the extension's default DataSource. */
    @Produces
    @Singleton
    Items items(DataSource dataSource) {
        return new Items(dataSource);
    }
}
