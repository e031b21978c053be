package dev.hotswap.engine;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process {@link CrashTest} kills: it starts an engine on a live path, pushes a file, and stops at
 * one named step ({@link Steps}), saying so on stdout, to wait there for its SIGKILL.
 * Arguments: the live path, the file to push, the step.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path live = Path.of(args[0]);
        Path incoming = Path.of(args[1]);
        String stopAt = args[2];
        Steps.listener = step -> {
            if (step.equals(stopAt)) {
                System.out.println("at " + step);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Hotswap hotswap = Hotswap.builder().database("production", live).socketEnabled(false).build().start();
        System.out.println("started");
        System.out.flush();
        try (InputStream content = Files.newInputStream(incoming)) {
            hotswap.push("production", content, PushOptions.defaults());
        }
        System.out.println("pushed");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
