package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.testkit.Dataset;
import dev.hotswap.testkit.Hammer;
import dev.hotswap.testkit.LiveServer;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A whole Spring Boot application on its embedded Tomcat, configured by nothing but properties: a
 * servlet reads through Boot's {@code JdbcTemplate} while the engine swaps the database under it.
 */
class BootApplicationTest {
    private static final int SWAPS = 10;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void requestsThroughBootsTomcatSeeOneDatasetOrTheOtherAcrossSwaps(@TempDir Path dir) throws Exception {
        Dataset oldData = Dataset.create(dir.resolve("old.sqlite3"), "old");
        Dataset newData = Dataset.create(dir.resolve("new.sqlite3"), "new");
        Path live = dir.resolve("live.sqlite3");
        Files.copy(oldData.file(), live);
        SpringApplication application = new SpringApplication(ItemsApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        try (ConfigurableApplicationContext context = application.run(
                "--server.address=127.0.0.1", "--server.port=0",
                "--hotswap.databases.main.path=" + live, "--hotswap.socket=" + dir.resolve("hotswap.sock"),
                "--spring.flyway.enabled=false")) { // the database is made above; the test classpath has Flyway for FirstRunTest
            URI items = URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/items");
            Hotswap hotswap = context.getBean(Hotswap.class);
            HttpClient client = LiveServer.client();

            HttpResponse<String> first = client.send(get(items), HttpResponse.BodyHandlers.ofString());
            assertThat(first.body()).isEqualTo(oldData.text());
            assertThat(first.headers().firstValue("X-In-Flight")).as("the application's filter runs inside the gate")
                    .contains("1");

            Hammer readers = Hammer.start(4, 5_000, (reader, sequence) -> {
                HttpResponse<String> response = client.send(get(items), HttpResponse.BodyHandlers.ofString());
                String body = response.body();
                return response.statusCode() == 200 && (body.equals(oldData.text()) || body.equals(newData.text()))
                        ? null : "status " + response.statusCode() + ": " + body;
            });
            readers.awaitEveryClient();
            for (int i = 0; i < SWAPS; i++) {
                try (InputStream next = Files.newInputStream((i % 2 == 0 ? newData : oldData).file())) {
                    hotswap.push("main", next, PushOptions.defaults());
                }
            }
            Hammer.Tally tally = readers.stop();

            assertThat(tally.failureCount()).as("%s", tally.failures()).isZero();
            assertThat(client.send(get(items), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo(oldData.text());
            assertThat(hotswap.gate().inFlight()).isZero();
        }
        assertThat(Files.exists(dir.resolve("hotswap.sock"))).as("socket removed with the context").isFalse();
    }

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    }

    /** The application: one servlet on Boot's JdbcTemplate, and a filter of its own. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class ItemsApplication {
        @Bean
        ServletRegistrationBean<HttpServlet> items(JdbcTemplate jdbc) {
            HttpServlet servlet = new HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    response.setContentType("text/plain;charset=utf-8");
                    response.getWriter().write(String.join(",",
                            jdbc.queryForList("SELECT name FROM items ORDER BY id", String.class)));
                }
            };
            return new ServletRegistrationBean<>(servlet, "/items");
        }

        /** At Spring Security's order: any filter of the application runs after the gate. */
        @Bean
        FilterRegistrationBean<Filter> inFlightHeader(Hotswap hotswap) {
            Filter filter = (request, response, chain) -> {
                ((HttpServletResponse) response).setHeader("X-In-Flight", Long.toString(hotswap.gate().inFlight()));
                chain.doFilter(request, response);
            };
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
            registration.setOrder(-100);
            return registration;
        }
    }
}
