package dev.hotswap.bench;

import java.lang.management.ManagementFactory;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What a result was measured on: the header lines both benchmarks print. */
final class Machine {
    private Machine() {
    }

    /** Date, cores, OS, JVM and the load average now, as Markdown list items. */
    static String describe() {
        int cores = Runtime.getRuntime().availableProcessors();
        return "- date: " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) + "\n"
                + "- machine: " + cores + " cores available to the JVM (" + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "), " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + "\n"
                + "- load average before the run: " + loadAverage()
                + (ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() > cores
                        ? " (more than the cores: other work is running, expect every score to suffer)" : "");
    }

    /** The one-minute load average, or "unknown" where the OS does not tell. */
    static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }
}
