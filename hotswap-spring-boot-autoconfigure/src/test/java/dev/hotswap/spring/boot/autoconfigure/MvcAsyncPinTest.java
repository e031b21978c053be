package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.testkit.Await;
import dev.hotswap.testkit.Dataset;
import dev.hotswap.testkit.LiveServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;

/**
 * Spring MVC's asynchronous requests on a real Boot application (Tomcat on loopback): a controller
 * hands its work to another thread (Spring MVC's executor for a {@code Callable}, an executor of the
 * controller's own for a {@code WebAsyncTask}, {@code applicationTaskExecutor} for a
 * {@code DeferredResult}, an {@code @Async} method), which reads the database twice with a swap
 * between the reads. Both reads must see the generation the request entered on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MvcAsyncPinTest {
    @TempDir
    static Path dir;

    private static Dataset first;
    private static Dataset second;
    private static ConfigurableApplicationContext context;
    private static Hotswap hotswap;
    private static SwapBetweenReads swapBetweenReads;
    private static URI base;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        first = Dataset.create(dir.resolve("first.sqlite3"), "first");
        second = Dataset.create(dir.resolve("second.sqlite3"), "second");
        Path live = dir.resolve("live.sqlite3");
        Files.copy(first.file(), live);
        SpringApplication application = new SpringApplication(AsyncApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        context = application.run("--server.address=127.0.0.1", "--server.port=0",
                "--hotswap.databases.main.path=" + live, "--hotswap.socket=" + dir.resolve("hotswap.sock"),
                "--spring.flyway.enabled=false"); // the database is made above; Flyway is here for FirstRunTest
        hotswap = context.getBean(Hotswap.class);
        swapBetweenReads = context.getBean(SwapBetweenReads.class);
        base = URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/");
        client = LiveServer.client();
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"callable", "web-async-task", "deferred-result", "async-method"})
    void bothReadsOnTheAsyncThreadSeeTheGenerationTheRequestEntered(String route) throws Exception {
        String entered = Dataset.readItems(hotswap.dataSource("main"));
        Dataset next = entered.equals(first.text()) ? second : first;
        swapBetweenReads.reset();

        CompletableFuture<HttpResponse<String>> response = client.sendAsync(
                HttpRequest.newBuilder(base.resolve(route)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        Await.await(swapBetweenReads.firstRead, Await.PATIENCE, "the first read of /" + route);
        try (InputStream file = Files.newInputStream(next.file())) {
            hotswap.push("main", file, PushOptions.defaults());
        }
        swapBetweenReads.swapped.countDown();
        HttpResponse<String> answer = Await.result(response, Await.PATIENCE, "the answer of /" + route);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String[] lines = answer.body().split("\n", -1);
        assertThat(lines).as(answer.body()).hasSize(4);
        assertThat(lines[1]).as("the reading thread").isNotEqualTo(lines[0]);
        assertThat(lines[2]).as("first read").isEqualTo(entered);
        assertThat(lines[3]).as("second read, after the swap").isEqualTo(entered);
        assertThat(Dataset.readItems(hotswap.dataSource("main"))).as("the swap went live").isEqualTo(next.text());
    }

    /** Two reads with the test's swap between them: the test waits for the first, the body for the swap. */
    static final class SwapBetweenReads {
        private final DataSource db;
        volatile CountDownLatch firstRead = new CountDownLatch(1);
        volatile CountDownLatch swapped = new CountDownLatch(1);

        SwapBetweenReads(DataSource db) {
            this.db = db;
        }

        void reset() {
            firstRead = new CountDownLatch(1);
            swapped = new CountDownLatch(1);
        }

        /** The reading thread's name, the first read and the second, one per line. */
        String readTwice() throws Exception {
            String before = Dataset.readItems(db);
            firstRead.countDown();
            Await.await(swapped, Await.PATIENCE, "the test's swap");
            return Thread.currentThread().getName() + "\n" + before + "\n" + Dataset.readItems(db);
        }
    }

    /** An {@code @Async} method: runs on {@code applicationTaskExecutor}. */
    public static class AsyncReader {
        private final SwapBetweenReads reads;

        public AsyncReader(SwapBetweenReads reads) {
            this.reads = reads;
        }

        @Async
        public CompletableFuture<String> readTwice() throws Exception {
            return CompletableFuture.completedFuture(reads.readTwice());
        }
    }

    /** Each route answers the controller's thread's name, then what {@link SwapBetweenReads#readTwice} says. */
    @RestController
    static class AsyncReads {
        private final SwapBetweenReads reads;
        private final AsyncTaskExecutor applicationTaskExecutor;
        /** Not a bean: an Executor bean of the application's would make Boot drop applicationTaskExecutor. */
        private final AsyncTaskExecutor ownExecutor = new SimpleAsyncTaskExecutor("own-");
        private final AsyncReader asyncReader;

        AsyncReads(SwapBetweenReads reads, AsyncTaskExecutor applicationTaskExecutor, AsyncReader asyncReader) {
            this.reads = reads;
            this.applicationTaskExecutor = applicationTaskExecutor;
            this.asyncReader = asyncReader;
        }

        @GetMapping("/callable")
        Callable<String> callable() {
            String controller = Thread.currentThread().getName();
            return () -> controller + "\n" + reads.readTwice();
        }

        /** On an executor that no decorator of Boot's reaches. */
        @GetMapping("/web-async-task")
        WebAsyncTask<String> webAsyncTask() {
            String controller = Thread.currentThread().getName();
            return new WebAsyncTask<>(60_000L, ownExecutor, () -> controller + "\n" + reads.readTwice());
        }

        @GetMapping("/deferred-result")
        DeferredResult<String> deferredResult() {
            String controller = Thread.currentThread().getName();
            DeferredResult<String> result = new DeferredResult<>(60_000L);
            applicationTaskExecutor.execute(() -> {
                try {
                    result.setResult(controller + "\n" + reads.readTwice());
                } catch (Exception | AssertionError e) {
                    result.setErrorResult(e);
                }
            });
            return result;
        }

        @GetMapping("/async-method")
        CompletableFuture<String> asyncMethod() throws Exception {
            String controller = Thread.currentThread().getName();
            return asyncReader.readTwice().thenApply(read -> controller + "\n" + read);
        }
    }

    /** The application: the controller, its collaborators, and nothing of hotswap but properties. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableAsync
    static class AsyncApplication {
        @Bean
        SwapBetweenReads swapBetweenReads(DataSource db) {
            return new SwapBetweenReads(db);
        }

        @Bean
        AsyncReader asyncReader(SwapBetweenReads reads) {
            return new AsyncReader(reads);
        }

        @Bean
        AsyncReads asyncReads(SwapBetweenReads reads,
                @Qualifier("applicationTaskExecutor") AsyncTaskExecutor applicationTaskExecutor, AsyncReader asyncReader) {
            return new AsyncReads(reads, applicationTaskExecutor, asyncReader);
        }
    }
}
