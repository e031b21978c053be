package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.Pin;
import dev.hotswap.testkit.Await;
import dev.hotswap.testkit.Dataset;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;

/**
 * {@link PinningTaskDecorator} on Boot's {@code applicationTaskExecutor}: a task carries the pin of
 * the thread that submitted it, beside the application's own decorator; outside any request it runs
 * as it is.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PinningTaskDecoratorTest {
    @TempDir
    Path dir;

    private ApplicationContextRunner runner;

    @BeforeEach
    void database() throws Exception {
        Dataset production = Dataset.create(dir.resolve("production.sqlite3"), "production");
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HotswapAutoConfiguration.class,
                        TaskExecutionAutoConfiguration.class))
                .withPropertyValues("hotswap.databases.production.path=" + production.file(),
                        "hotswap.socket-enabled=false");
    }

    @Test
    void applicationTaskExecutorRunsATaskWithItsRequestsPinBesideTheApplicationsOwnDecorator() {
        List<String> decorated = new CopyOnWriteArrayList<>();
        runner.withBean("ownDecorator", TaskDecorator.class, () -> task -> () -> {
            decorated.add("own");
            task.run();
        }).run(context -> {
            Hotswap hotswap = context.getBean(Hotswap.class);
            AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
            Pin pin = hotswap.gate().enter();
            try {
                CompletableFuture<Pin> seen = executor.submitCompletable(() -> hotswap.gate().pinned());
                assertThat(Await.result(seen, Await.PATIENCE, "the task")).as("the task's pin").isSameAs(pin);
            } finally {
                pin.leave();
            }
            assertThat(decorated).as("the application's decorator ran too").containsExactly("own");
        });
    }

    @Test
    void aTaskSubmittedOutsideAnyRequestRunsAsItIs() {
        runner.run(context -> {
            PinningTaskDecorator decorator = context.getBean(PinningTaskDecorator.class);
            Runnable task = () -> { };
            assertThat(decorator.decorate(task)).isSameAs(task);
        });
    }
}
