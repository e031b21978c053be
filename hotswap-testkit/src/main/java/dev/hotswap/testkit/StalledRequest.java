package dev.hotswap.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.http.HttpTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a test client knows when a request to an in-process server times out: the request alone says
 * nothing of where it stopped. The server runs in the test's JVM, so the threads that were in hotswap,
 * SQLite or a server's request code at that moment say it (a wait on a pool, a lock, a lost wakeup),
 * and the engine's holders say which generation kept what.
 */
final class StalledRequest {
    /** Frames shown per thread: enough to see the wait and who called it. */
    private static final int FRAMES = 14;
    /** Packages whose frames make a thread worth showing. */
    private static final List<String> INTERESTING = List.of("dev.hotswap.", "org.sqlite.", "org.apache.catalina.",
            "org.apache.coyote.", "org.eclipse.jetty.server.", "io.undertow.server.", "io.vertx.core.http.",
            "io.micronaut.http.server.");

    private StalledRequest() {
    }

    /** {@code timeout} with the state of the server's threads and the engine's {@code holders} in its message. */
    static HttpTimeoutException explained(HttpTimeoutException timeout, String request, List<String> holders) {
        HttpTimeoutException explained = new HttpTimeoutException(timeout.getMessage() + " (" + request
                + "); held then: " + holders + "; threads in server or engine code:\n" + threads());
        explained.initCause(timeout);
        return explained;
    }

    private static String threads() {
        ThreadInfo[] infos = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
        return Arrays.stream(infos)
                .filter(info -> Arrays.stream(info.getStackTrace()).anyMatch(StalledRequest::interesting))
                .map(StalledRequest::describe)
                .collect(Collectors.joining("\n"));
    }

    private static boolean interesting(StackTraceElement frame) {
        return INTERESTING.stream().anyMatch(frame.getClassName()::startsWith)
                && !frame.getClassName().startsWith("dev.hotswap.testkit.Hammer");
    }

    private static String describe(ThreadInfo info) {
        StringBuilder text = new StringBuilder("\"").append(info.getThreadName()).append("\" ")
                .append(info.getThreadState());
        if (info.getLockName() != null) {
            text.append(" on ").append(info.getLockName());
        }
        StackTraceElement[] frames = info.getStackTrace();
        for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
            text.append("\n    at ").append(frames[i]);
        }
        return text.toString();
    }
}
