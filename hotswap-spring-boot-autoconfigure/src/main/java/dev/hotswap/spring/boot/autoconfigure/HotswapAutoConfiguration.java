package dev.hotswap.spring.boot.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import dev.hotswap.engine.PoolFactory;
import dev.hotswap.engine.SwapListener;
import dev.hotswap.servlet.HotswapFilter;
import dev.hotswap.servlet.HotswapServletContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Runs the hotswap engine in a Spring Boot application, from the {@code hotswap.*} properties
 * ({@link HotswapProperties}):
 * <ul>
 * <li>the engine, a {@link Hotswap} bean started when it is created (so that the application's
 *     own start-up can use the databases) and closed with the context, after the web server has
 *     stopped; {@link SwapListener} beans, a {@link PoolFactory} bean and
 *     {@link HotswapBuilderCustomizer} beans are applied to its builder; every {@link CandidateCheck}
 *     bean is a check of every database under its bean name, and
 *     {@code hotswap.databases.NAME.checks.CHECK=SELECT ...} a SQL check of one. The application's
 *     readiness refuses traffic while it starts, and with it catches up with its fleet
 *     ({@link StartupReadiness}). An application that defines its own {@code Hotswap} bean keeps it;
 * <li>with HikariCP on the class path, a HikariCP pool per generation ({@link HikariPools}),
 *     configured from Boot's {@code spring.datasource.hikari.*}, unless the application defines a
 *     {@code PoolFactory} of its own;
 * <li>one {@code DataSource} bean per managed database, named {@code <name>DataSource}, primary
 *     when it is the only database or the one {@code hotswap.primary} names, so that
 *     {@code JdbcTemplate}, Spring Data JDBC and JPA use it (this configuration runs before Boot's
 *     {@code DataSourceAutoConfiguration}, which then backs off). A bean of the same name defined by
 *     the application wins, and none of ours is primary when the application defines a
 *     {@code DataSource} of its own;
 * <li>in a servlet web application, the {@link HotswapFilter} first in the filter chain, on every
 *     dispatcher type, with asynchronous support; unless the application registers one itself;
 * <li>the request's pin on the threads Spring continues it on: a {@link PinningTaskDecorator} bean,
 *     which Boot applies to the executors it builds ({@code @Async} methods, {@code applicationTaskExecutor}),
 *     and with Spring MVC a {@link PinningCallableInterceptor} around every {@code Callable} and
 *     {@code WebAsyncTask}, whichever executor runs it.
 * </ul>
 * {@code hotswap.enabled=false} turns it all off.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(Hotswap.class)
@ConditionalOnBooleanProperty(name = "hotswap.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HotswapProperties.class)
@Import(DataSourceRegistrar.class)
public final class HotswapAutoConfiguration {

    /** The engine, started; closed with the context. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Hotswap hotswap(HotswapProperties properties, ObjectProvider<SwapListener> listeners,
            ObjectProvider<PoolFactory> pools, ObjectProvider<HotswapBuilderCustomizer> customizers,
            ListableBeanFactory beans, ApplicationEventPublisher events,
            ObjectProvider<ApplicationAvailability> availability) throws IOException {
        HotswapBuilder builder = EngineBuilder.from(properties);
        EngineBuilder.addChecks(builder, properties, checks(beans));
        listeners.orderedStream().forEach(builder::listener);
        pools.ifAvailable(builder::pool);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return StartupReadiness.start(builder, events, availability.getIfAvailable());
    }

    /** The {@link CandidateCheck} beans by bean name, in {@code @Order} order, then as registered. */
    private static Map<String, CandidateCheck> checks(ListableBeanFactory beans) {
        List<Map.Entry<String, CandidateCheck>> found = new ArrayList<>(beans.getBeansOfType(CandidateCheck.class)
                .entrySet());
        found.sort((a, b) -> AnnotationAwareOrderComparator.INSTANCE.compare(a.getValue(), b.getValue()));
        Map<String, CandidateCheck> ordered = new LinkedHashMap<>();
        found.forEach(entry -> ordered.put(entry.getKey(), entry.getValue()));
        return ordered;
    }

    /**
     * Carries a request's pin to the tasks it submits to the executors Boot builds. Boot composes it
     * with the application's own {@code TaskDecorator} beans.
     */
    @Bean
    @ConditionalOnMissingBean
    PinningTaskDecorator hotswapTaskDecorator(Hotswap hotswap) {
        return new PinningTaskDecorator(hotswap.gate());
    }

    /** HikariCP per generation, when it is on the class path and the application has no pool factory of its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HikariDataSource.class)
    static class HikariPoolConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PoolFactory hotswapHikariPools(Environment environment, HotswapProperties properties) {
            return new HikariPools(Binder.get(environment), properties.getPoolSize());
        }
    }

    /** The request filter, in a servlet web application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({Filter.class, HotswapFilter.class, FilterRegistrationBean.class})
    static class ServletFilterConfiguration {

        /**
         * First in the chain ({@link Ordered#HIGHEST_PRECEDENCE}), so that every other filter
         * (security, sessions in JDBC, ...) runs inside the gate. Boot's character-encoding filter
         * has the same order and may run before it: it does not touch the database.
         */
        @Bean
        @ConditionalOnMissingFilterBean(HotswapFilter.class)
        FilterRegistrationBean<HotswapFilter> hotswapFilter(Hotswap hotswap) {
            FilterRegistrationBean<HotswapFilter> registration = new FilterRegistrationBean<>(new HotswapFilter(hotswap.gate()));
            registration.setName(HotswapServletContext.FILTER_NAME);
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            registration.setAsyncSupported(true);
            registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
            registration.addUrlPatterns("/*");
            return registration;
        }
    }

    /** Spring MVC's asynchronous request processing, in a servlet web application that has it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({WebMvcConfigurer.class, HotswapFilter.class})
    static class MvcAsyncConfiguration {

        /** The request's pin around every {@code Callable} and {@code WebAsyncTask} body. */
        @Bean
        WebMvcConfigurer hotswapCallablePins() {
            return new WebMvcConfigurer() {
                @Override
                public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
                    configurer.registerCallableInterceptors(new PinningCallableInterceptor());
                }
            };
        }
    }
}
