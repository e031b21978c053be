package dev.hotswap.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hotswap.engine.SwapReport;
import dev.hotswap.testkit.Await;
import dev.hotswap.testkit.Hammer;
import dev.hotswap.testkit.LiveServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What only a Servlet container does, on a real embedded Tomcat 11 with error pages for 500 and 503:
 * forwards, includes and asynchronous dispatches inside a request, tasks given to
 * {@code AsyncContext.start}, and error pages after a request failed or timed out. Everything every
 * adapter must do is {@link TomcatAdapterTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HotswapFilterTest {

    @Test
    void forwardAndIncludePassThroughWithoutEnteringAgain(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir)) {
            assertEquals("in flight 1", server.read("/forward"));
            assertEquals("in flight 1", server.read("/include"));
            server.awaitIdle();
        }
    }

    @Test
    void asyncDispatchAndItsSecondCycleKeepTheRequestsOnePin(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir)) {
            assertEquals("in flight 1", server.read("/async-dispatch"), "the dispatch passed through, without entering again");
            server.awaitIdle();
        }
    }

    /** The container runs the task on a thread of its own; the filter's wrapper binds the pin there. */
    @Test
    void taskGivenToAsyncContextStartRunsOnTheRequestsGeneration(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir)) {
            CompletableFuture<HttpResponse<String>> task = server.getAsync("/started-task");
            server.app.awaitBetweenConnections();

            SwapReport report = server.swapTo(server.newData);
            assertNull(report.released(), "the task still holds the old generation");
            assertEquals(server.newData.text(), server.items(), "a new request gets the new generation");
            server.app.releaseSecondConnection();

            HttpResponse<String> response = Await.result(task, Await.PATIENCE, "the /started-task answer");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(server.oldData.text() + "\n" + server.oldData.text(), response.body());
            server.awaitIdle();
        }
    }

    /**
     * Ways a request ends other than normally, how many requests of each the clients send (the
     * container checks asynchronous timeouts about once a second), and the status of the error page
     * that answers them.
     */
    enum Failure {
        SERVLET_THROWS("/throw", 500, 100),
        SENDS_ERROR("/send-error", 503, 100),
        ASYNC_TIMES_OUT("/async-timeout", 500, 3),
        ASYNC_THEN_THROWS("/async-throw", 500, 100);

        final String path;
        final int status;
        final int perClient;

        Failure(String path, int status, int perClient) {
            this.path = path;
            this.status = status;
            this.perClient = perClient;
        }
    }

    /** The error page runs after the failed request let go of its pin, so it enters anew: one request in flight. */
    @ParameterizedTest
    @EnumSource(Failure.class)
    void errorPageEntersAnewOnceTheFailedRequestHasLeft(Failure failure, @TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir)) {
            HttpResponse<String> alone = server.get(failure.path);
            assertEquals(failure.status, alone.statusCode());
            assertEquals("error page, in flight 1", alone.body());

            Hammer clients = Hammer.start(4, failure.perClient, (client, sequence) -> {
                int status = server.get(failure.path).statusCode();
                return status == failure.status ? null : "status " + status;
            });
            Hammer.Tally tally = clients.await();

            assertEquals(4L * failure.perClient, tally.requests());
            assertEquals(0, tally.failureCount(), () -> tally.failures().toString());
            server.awaitIdle();
            server.swapTo(server.newData);
            assertEquals(server.newData.text(), server.items());
        }
    }

    private static LiveServer serve(Path dir) throws Exception {
        return LiveServer.start(dir, false, (hotswap, app) -> TomcatServer.start(hotswap, app, true));
    }
}
