package dev.hotswap.micronaut;

import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import dev.hotswap.engine.PoolFactory;
import dev.hotswap.engine.SwapListener;
import io.micronaut.context.BeanContext;
import io.micronaut.context.BeanRegistration;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The engine and its data sources as beans:
 * <ul>
 * <li>a {@link HotswapBuilder} from the {@code hotswap.*} properties, with every {@link SwapListener}
 *     bean, a {@link PoolFactory} bean if there is one, and every {@link CandidateCheck} bean (a
 *     check of every database under its {@code @Named} name). An application changes anything else
 *     the Micronaut way, with a {@code BeanCreatedEventListener<HotswapBuilder>};
 * <li>the engine, a {@link Hotswap} {@code @Context} bean: started with the application context (so
 *     that the application's own start-up, its migrations, can use the databases) and closed with
 *     it, which stops the admin socket and deletes its file. An application that registers a
 *     {@code Hotswap} bean of its own keeps it, and starts and closes it itself;
 * <li>one {@link DataSource} bean per configured database, {@code @Named} as the database: the
 *     engine's own, whose connections come from the generation the calling request is pinned to.
 * </ul>
 */
@Factory
@Requires(property = HotswapConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class HotswapFactory {

    @Singleton
    @Requires(beans = HotswapConfiguration.class)
    HotswapBuilder hotswapBuilder(HotswapConfiguration engine, List<DatabaseConfiguration> databases,
            List<SwapListener> listeners, Optional<PoolFactory> pool, BeanContext beans) {
        HotswapBuilder builder = EngineBuilder.from(engine, databases, checks(beans));
        listeners.forEach(builder::listener);
        pool.ifPresent(builder::pool);
        return builder;
    }

    @Context
    @Bean(preDestroy = "close")
    @Requires(missingBeans = Hotswap.class)
    @Requires(beans = HotswapBuilder.class)
    Hotswap hotswap(HotswapBuilder builder) {
        Hotswap hotswap = builder.build();
        try {
            return hotswap.start();
        } catch (IOException e) {
            // start() leaves nothing taken when it fails.
            throw new UncheckedIOException("hotswap did not start: " + e.getMessage(), e);
        }
    }

    @EachBean(DatabaseConfiguration.class)
    DataSource hotswapDataSource(DatabaseConfiguration database, Hotswap hotswap) {
        return hotswap.dataSource(database.getName());
    }

    /** The {@link CandidateCheck} beans by their {@code @Named} names, in bean order. */
    private static Map<String, CandidateCheck> checks(BeanContext beans) {
        Map<String, CandidateCheck> named = new LinkedHashMap<>();
        for (BeanRegistration<CandidateCheck> registration : beans.getBeanRegistrations(CandidateCheck.class)) {
            String name = registration.getIdentifier().getName();
            named.put(name, registration.getBean());
        }
        return named;
    }
}
