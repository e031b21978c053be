package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.CheckReport;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapRefusedException;
import dev.hotswap.testkit.Dataset;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The app's checks with the starter: {@code CandidateCheck} beans under their bean names, SQL checks
 * from {@code hotswap.databases.NAME.checks.*}, both run by a real engine's pushes and dry runs.
 */
class AppChecksPropertiesTest {
    @TempDir
    Path dir;

    private Dataset production;
    private ApplicationContextRunner runner;

    @BeforeEach
    void databases() throws Exception {
        production = Dataset.create(dir.resolve("production.sqlite3"), "production");
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HotswapAutoConfiguration.class))
                .withPropertyValues("hotswap.socket-enabled=false",
                        "hotswap.databases.production.path=" + production.file());
    }

    /** A check bean: refuses a candidate with fewer items than the live database. */
    @Configuration(proxyBeanMethods = false)
    static class NoShrinking {
        @Bean
        CandidateCheck itemsDoNotShrink() {
            return (candidate, current) -> {
                long now = count(current);
                long next = count(candidate);
                return next >= now ? CandidateCheck.Verdict.pass()
                        : CandidateCheck.Verdict.refuse("items would shrink from " + now + " to " + next);
            };
        }

        private static long count(java.sql.Connection connection) throws java.sql.SQLException {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT count(*) FROM items")) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private InputStream candidate(String name, int rows) throws Exception {
        return Files.newInputStream(Dataset.create(dir.resolve(name), name, rows, false).file());
    }

    @Test
    void sqlCheckFromPropertiesRefusesWithWhatCameBackAndPassesOtherwise() {
        runner.withPropertyValues("hotswap.databases.production.checks.writes-present=SELECT count(*) > 0 FROM writes")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Hotswap hotswap = context.getBean(Hotswap.class);
                    assertThat(context.getBean(HotswapProperties.class).getDatabases().get("production").getChecks())
                            .containsEntry("writes-present", "SELECT count(*) > 0 FROM writes");
                    assertThatThrownBy(() -> hotswap.push("production", candidate("empty.sqlite3", 60),
                            PushOptions.defaults()))
                            .isInstanceOf(SwapRefusedException.class)
                            .hasMessage("ERROR: check writes-present refused: SELECT count(*) > 0 FROM writes returned 0");
                    assertThat(hotswap.push("production", candidate("skipped.sqlite3", 60),
                            PushOptions.defaults().skippingChecks("writes-present")).toGeneration()).isEqualTo(2);
                });
    }

    @Test
    void candidateCheckBeansRunUnderTheirBeanNamesBeforeThePropertyChecks() {
        runner.withUserConfiguration(NoShrinking.class)
                .withPropertyValues("hotswap.databases.production.checks.has-items=SELECT count(*) > 0 FROM items")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Hotswap hotswap = context.getBean(Hotswap.class);
                    assertThatThrownBy(() -> hotswap.push("production", candidate("small.sqlite3", 10),
                            PushOptions.defaults()))
                            .isInstanceOf(SwapRefusedException.class)
                            .hasMessage("ERROR: check itemsDoNotShrink refused: items would shrink from 50 to 10");
                    CheckReport dryRun = hotswap.check("production", candidate("large.sqlite3", 80),
                            PushOptions.defaults());
                    assertThat(List.copyOf(dryRun.checks().keySet())).containsExactly("itemsDoNotShrink", "has-items");
                    assertThat(hotswap.status().get(0).current().id()).isEqualTo(1);
                });
    }

    @Test
    void aPropertyCheckNamedLikeABeanStopsTheStartNamingTheProperty() {
        runner.withUserConfiguration(NoShrinking.class)
                .withPropertyValues("hotswap.databases.production.checks.itemsDoNotShrink=SELECT 1")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("hotswap.databases.production.checks.itemsDoNotShrink: check"
                                + " itemsDoNotShrink is already added to production"));
    }
}
