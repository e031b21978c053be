package dev.hotswap.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/**
 * The benchmarks' java.util.logging setup (the backend of System.Logger here): the engine logs an
 * INFO line per push step and per generation closed, which would bury the results.
 */
final class QuietLogs {
    private QuietLogs() {
    }

    /**
     * Installs the bundled {@code logging.properties} (warnings and errors still show), unless the
     * caller configured logging with {@code -Djava.util.logging.config.file} or {@code .class}.
     */
    static void install() throws IOException {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        try (InputStream config = QuietLogs.class.getResourceAsStream("logging.properties")) {
            if (config != null) {
                LogManager.getLogManager().readConfiguration(config);
            }
        }
    }
}
