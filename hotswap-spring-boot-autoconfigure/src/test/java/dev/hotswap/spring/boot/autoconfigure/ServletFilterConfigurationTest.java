package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.servlet.HotswapFilter;
import dev.hotswap.testkit.Dataset;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Where and how the auto-configuration registers the {@link HotswapFilter}, and when it does not. */
class ServletFilterConfigurationTest {
    @TempDir
    Path dir;

    private String database;

    @BeforeEach
    void database() throws Exception {
        database = "hotswap.databases.production.path=" + Dataset.create(dir.resolve("production.sqlite3"), "p").file();
    }

    @Test
    void registersTheFilterFirstOnEveryDispatchWithAsyncSupport() {
        web().run(context -> {
            assertThat(context).hasNotFailed();
            @SuppressWarnings("unchecked")
            FilterRegistrationBean<HotswapFilter> registration =
                    context.getBean("hotswapFilter", FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isInstanceOf(HotswapFilter.class);
            assertThat(registration.getFilterName()).isEqualTo("hotswap");
            assertThat(registration.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.determineDispatcherTypes()).isEqualTo(EnumSet.allOf(DispatcherType.class));
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
        });
    }

    @Test
    void keepsTheApplicationsOwnHotswapFilter() {
        web().withUserConfiguration(OwnFilter.class).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean("hotswapFilter");
                    assertThat(context).hasBean("myHotswapFilter");
                });
    }

    @Test
    void registersNoFilterOutsideAWebApplication() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HotswapAutoConfiguration.class))
                .withPropertyValues(database, "hotswap.socket-enabled=false")
                .run(context -> {
                    assertThat(context).hasSingleBean(Hotswap.class);
                    assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
                });
    }

    /** An application that registers the filter itself, say on part of its URL space. */
    @Configuration(proxyBeanMethods = false)
    static class OwnFilter {
        @Bean
        FilterRegistrationBean<HotswapFilter> myHotswapFilter(Hotswap hotswap) {
            FilterRegistrationBean<HotswapFilter> registration = new FilterRegistrationBean<>(new HotswapFilter(hotswap.gate()));
            registration.addUrlPatterns("/api/*");
            return registration;
        }
    }

    private WebApplicationContextRunner web() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HotswapAutoConfiguration.class))
                .withPropertyValues(database, "hotswap.socket-enabled=false");
    }
}
