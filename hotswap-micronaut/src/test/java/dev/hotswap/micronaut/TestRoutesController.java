package dev.hotswap.micronaut;

import dev.hotswap.testkit.TestRoutes;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.annotation.SingleResult;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link TestRoutes test app} as a Micronaut controller, in Micronaut's idioms: blocking work
 * on {@code @ExecuteOn(TaskExecutors.BLOCKING)}, the upload's body read by the server before the
 * route runs, {@code /async} a {@code CompletableFuture} completed on a thread of the app's own (which
 * takes the request's propagated context along), {@code /stream} a body read as the client takes it.
 */
@Controller
@Requires(beans = TestRoutes.class)
@Produces(MediaType.TEXT_PLAIN)
final class TestRoutesController {
    private final TestRoutes app;

    TestRoutesController(TestRoutes app) {
        this.app = app;
    }

    @Get("/items")
    @ExecuteOn(TaskExecutors.BLOCKING)
    String items() throws SQLException {
        return app.items();
    }

    @Post("/items")
    @Status(HttpStatus.CREATED)
    @ExecuteOn(TaskExecutors.BLOCKING)
    String write(@QueryValue String note) throws SQLException {
        return app.write(note);
    }

    @Get("/checksum")
    @ExecuteOn(TaskExecutors.BLOCKING)
    String checksum() throws SQLException {
        return app.checksum();
    }

    @Post(value = "/upload", consumes = MediaType.ALL)
    @ExecuteOn(TaskExecutors.BLOCKING)
    String upload(@Body byte[] body) throws SQLException {
        return app.uploaded(new String(body, StandardCharsets.ISO_8859_1));
    }

    @Get("/two-connections")
    @ExecuteOn(TaskExecutors.BLOCKING)
    String twoConnections() throws SQLException, InterruptedException {
        return app.readTwiceAroundASwap();
    }

    /** Returns at once, on the event loop; the app completes the future later on a thread of its own. */
    @Get("/async")
    CompletableFuture<String> async() {
        CompletableFuture<String> answer = new CompletableFuture<>();
        app.asyncPending(PropagatedContext.wrapCurrent(() -> {
            try {
                answer.complete(app.items());
            } catch (SQLException | RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }));
        return answer;
    }

    /**
     * A body Micronaut reads as the client takes it (an {@code InputStream}, read on its I/O executor
     * only as the connection drains): the end is read from the database only once the start was
     * written. That executor runs outside the request's context, so the read takes it along. The
     * length is known at once, from the items of the request's generation (which the end, read later,
     * comes from too): Micronaut would otherwise answer the HTTP/1.0 client in chunks.
     */
    @Get("/stream")
    @ExecuteOn(TaskExecutors.BLOCKING)
    StreamedFile stream() throws SQLException {
        long length = TestRoutes.STREAM_START_BYTES + app.items().getBytes(StandardCharsets.UTF_8).length;
        Callable<byte[]> read = () -> app.streamEnd().getBytes(StandardCharsets.UTF_8);
        Callable<byte[]> end = PropagatedContext.wrapCurrent(read);
        InputStream lazyEnd = new InputStream() {
            private InputStream read;

            @Override
            public int read() throws IOException {
                return opened().read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return opened().read(buffer, offset, length);
            }

            private InputStream opened() throws IOException {
                if (read == null) {
                    try {
                        read = new ByteArrayInputStream(end.call());
                    } catch (Exception e) {
                        throw new IOException("reading the end of /stream failed", e);
                    }
                }
                return read;
            }
        };
        return new StreamedFile(new SequenceInputStream(new ByteArrayInputStream(app.streamStart()), lazyEnd),
                MediaType.APPLICATION_OCTET_STREAM_TYPE, 0, length);
    }

    @Get("/throw")
    @ExecuteOn(TaskExecutors.BLOCKING)
    String throwing() throws SQLException {
        app.items();
        throw new IllegalStateException("the handler threw");
    }

    /** Answers 204, then the publisher fails: Micronaut takes the answer and cancels the rest. */
    @Get("/respond-then-throw")
    @SingleResult
    Publisher<HttpResponse<?>> respondThenThrow() {
        return Flux.<HttpResponse<?>>just(HttpResponse.noContent())
                .concatWith(Mono.error(new IllegalStateException("thrown after answering")));
    }

    @Get("/fail")
    CompletableFuture<String> fail() {
        return CompletableFuture.failedFuture(new IllegalStateException("the handler failed the request"));
    }

    /** Neither answers nor fails: Micronaut ends the request with 404. */
    @Get("/decline")
    Mono<String> decline() {
        return Mono.empty();
    }
}
