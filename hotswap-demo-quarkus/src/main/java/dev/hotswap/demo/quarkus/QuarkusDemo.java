package dev.hotswap.demo.quarkus;

import dev.hotswap.demo.core.BackgroundWriter;
import dev.hotswap.demo.core.EngineRefusal;
import dev.hotswap.demo.core.Items;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.vertx.http.HttpServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The demo on Quarkus, as {@code bin/hotswap-demo --server quarkus} runs it: once the application is
 * up (the extension's engine started, the HTTP server listening) it fills a new database with the
 * sample rows, starts the background writer if asked, prints the listening line, and on SIGTERM stops
 * the writer and says so; Quarkus then stops the HTTP server and closes the engine, socket file and all.
 * If the application cannot start, its last line on stderr is the {@code ERROR: } line the other
 * servers' demo prints (the engine's refusal: a dangling link, a file another process holds), exit 1.
 */
@QuarkusMain
public class QuarkusDemo implements QuarkusApplication {
    @Inject
    HttpServer server;

    @Inject
    Items items;

    @ConfigProperty(name = "demo.background-writer")
    boolean backgroundWriter;

    /** Runs the demo until SIGTERM; on a failed start, says why last, as {@code DemoApp} does. */
    public static void main(String... args) {
        Quarkus.run(QuarkusDemo.class, (exit, failure) -> {
            if (failure != null) {
                System.err.println("ERROR: " + reason(failure));
            }
            System.exit(failure != null && exit == 0 ? 1 : exit);
        }, args);
    }

    /**
     * What a failed start's cause chain says: the engine's own {@link IOException} (which the
     * extension wraps), else the innermost message.
     */
    static String reason(Throwable failure) {
        return EngineRefusal.in(failure).map(Throwable::getMessage).orElseGet(() -> {
            String message = failure.toString();
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause.getMessage() != null) {
                    message = cause.getMessage();
                }
            }
            return message;
        });
    }

    @Override
    public int run(String... args) throws Exception {
        items.seedIfEmpty(); // a database the engine just created has no table yet
        BackgroundWriter writer = backgroundWriter ? BackgroundWriter.start(items) : null;
        PrintStream out = System.out;
        out.println("listening on http://127.0.0.1:" + server.getPort());
        out.flush();
        Quarkus.waitForExit();
        if (writer != null) {
            writer.close();
        }
        out.println(writer == null ? "stopped" : "stopped; " + writer.summary());
        out.flush();
        return 0;
    }
}
