package dev.hotswap.micronaut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapRefusedException;
import dev.hotswap.testkit.Await;
import dev.hotswap.testkit.Dataset;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.BeanInstantiationException;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The engine bean from the {@code hotswap.*} properties: its start, its settings, its end with the context. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HotswapFactoryTest {

    @Test
    void engineStartsWithTheContextServesItsDataSourceAndLeavesNoThreadOrSocketWhenClosed(@TempDir Path dir)
            throws Exception {
        Dataset live = Dataset.create(dir.resolve("main.sqlite3"), "live");
        Path socket = dir.resolve("hotswap.sock");
        Map<String, Object> properties = database(live.file());
        properties.put("hotswap.socket", socket.toString());
        properties.put("hotswap.socket-enabled", "true");
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            Hotswap hotswap = context.getBean(Hotswap.class);
            assertEquals("main", hotswap.status().get(0).name(), "started at startup, the database open");
            assertTrue(Files.exists(socket), "the admin socket is bound");
            DataSource main = context.getBean(DataSource.class, Qualifiers.byName("main"));
            assertEquals(live.text(), Dataset.readItems(main));
        }
        assertFalse(Files.exists(socket), "the socket file is gone with the context");
        Await.await(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("hotswap-")), Await.PATIENCE,
                "every hotswap- thread to end");
    }

    @Test
    void propertiesReachTheEngineKeepSocketAndSqlChecks(@TempDir Path dir) throws Exception {
        Dataset live = Dataset.create(dir.resolve("main.sqlite3"), "live");
        Dataset empty = Dataset.create(dir.resolve("empty.sqlite3"), "empty", 0, false);
        Dataset next = Dataset.create(dir.resolve("next.sqlite3"), "next");
        Map<String, Object> properties = database(live.file());
        properties.put("hotswap.socket-enabled", "false");
        properties.put("hotswap.socket", dir.resolve("unused.sock").toString());
        properties.put("hotswap.keep", "0");
        properties.put("hotswap.databases.main.checks.has-items", "SELECT count(*) > 0 FROM items");
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            Hotswap hotswap = context.getBean(Hotswap.class);
            assertFalse(Files.exists(dir.resolve("unused.sock")), "hotswap.socket-enabled=false binds no socket");

            SwapRefusedException refused = assertThrows(SwapRefusedException.class, () -> push(hotswap, empty));
            assertEquals(SwapRefusedException.Reason.CHECK, refused.reason(), refused.getMessage());
            assertTrue(refused.getMessage().contains("has-items"), refused.getMessage());

            push(hotswap, next);
            assertEquals(0, hotswap.status().get(0).kept().size(), "hotswap.keep=0 keeps no earlier generation");
        }
    }

    @Test
    void candidateCheckBeanChecksEveryDatabaseUnderItsName(@TempDir Path dir) throws Exception {
        Dataset live = Dataset.create(dir.resolve("main.sqlite3"), "live");
        Dataset next = Dataset.create(dir.resolve("next.sqlite3"), "next");
        CandidateCheck never = (candidate, current) -> CandidateCheck.Verdict.refuse("no push today");
        try (ApplicationContext context = ApplicationContext.builder().properties(database(live.file()))
                .beanDefinitions(io.micronaut.context.RuntimeBeanDefinition.builder(CandidateCheck.class, () -> never)
                        .named("never").build())
                .start()) {
            Hotswap hotswap = context.getBean(Hotswap.class);
            SwapRefusedException refused = assertThrows(SwapRefusedException.class, () -> push(hotswap, next));
            assertTrue(refused.getMessage().contains("never") && refused.getMessage().contains("no push today"),
                    refused.getMessage());
        }
    }

    @Test
    void invalidPropertyFailsTheStartNamingIt(@TempDir Path dir) throws Exception {
        Dataset live = Dataset.create(dir.resolve("main.sqlite3"), "live");
        Map<String, Object> properties = database(live.file());
        properties.put("hotswap.keep", "-1");
        BeanInstantiationException failed = assertThrows(BeanInstantiationException.class,
                () -> ApplicationContext.run(properties).close());
        assertTrue(failed.getMessage().contains("hotswap.keep"), failed.getMessage());
    }

    @Test
    void missingPathFailsTheStartNamingTheProperty() {
        BeanInstantiationException failed = assertThrows(BeanInstantiationException.class,
                () -> ApplicationContext.run(Map.of("hotswap.databases.main.create-if-missing", "true")).close());
        assertTrue(failed.getMessage().contains("hotswap.databases.main.path is not set"), failed.getMessage());
    }

    @Test
    void disabledRunsNoEngine(@TempDir Path dir) throws Exception {
        Dataset live = Dataset.create(dir.resolve("main.sqlite3"), "live");
        Map<String, Object> properties = database(live.file());
        properties.put("hotswap.enabled", "false");
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            assertFalse(context.containsBean(Hotswap.class));
            assertFalse(context.containsBean(HotswapServerFilter.class));
        }
    }

    @Test
    void filterDisabledLeavesTheEngineAndItsDataSourceButPinsNoRequest(@TempDir Path dir) throws Exception {
        Dataset live = Dataset.create(dir.resolve("main.sqlite3"), "live");
        Map<String, Object> properties = database(live.file());
        properties.put(HotswapServerFilter.ENABLED, "false");
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            assertTrue(context.containsBean(Hotswap.class));
            assertTrue(context.containsBean(DataSource.class, Qualifiers.byName("main")));
            assertFalse(context.containsBean(HotswapServerFilter.class));
        }
    }

    static Map<String, Object> database(Path file) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("hotswap.databases.main.path", file.toString());
        properties.put("hotswap.socket-enabled", "false");
        return properties;
    }

    static void push(Hotswap hotswap, Dataset dataset) throws Exception {
        try (InputStream content = Files.newInputStream(dataset.file())) {
            hotswap.push("main", content, PushOptions.defaults());
        }
    }
}
