package dev.hotswap.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What a result was measured on, and how much of the machine other processes took meanwhile: on a
 * small shared machine, other work shows in every score, so both benchmarks print it.
 */
final class Machine {
    private Machine() {
    }

    /** Date, cores, OS, JVM and the one-minute load average now, as Markdown list items. */
    static String describe() {
        int cores = Runtime.getRuntime().availableProcessors();
        return "- date: " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) + "\n"
                + "- machine: " + cores + " cores available to the JVM (" + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "), " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + "\n"
                + "- load average (1 min) at the start: " + loadAverage();
    }

    /** The one-minute load average, or "unknown" where the OS does not tell. */
    static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }

    /** The JVM's garbage collections so far: how many, and the milliseconds they took (pauses and all). */
    record Collections(long count, long millis) {
        static Collections now() {
            long count = 0;
            long millis = 0;
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, collector.getCollectionCount());
                millis += Math.max(0, collector.getCollectionTime());
            }
            return new Collections(count, millis);
        }

        /** The collections since {@code earlier}, e.g. {@code "12 garbage collections, 85 ms in all"}. */
        String since(Collections earlier) {
            return (count - earlier.count) + " garbage collections, " + (millis - earlier.millis) + " ms in all";
        }
    }

    /**
     * CPU time counters now (Linux {@code /proc}, in clock ticks): the whole machine's, and this
     * process's own including its finished children (JMH's forks).
     */
    record Usage(long busy, long steal, long total, long own) {
        private static final Usage UNKNOWN = new Usage(-1, -1, -1, -1);

        static Usage now() {
            try {
                // cpu  user nice system idle iowait irq softirq steal guest guest_nice
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long user = Long.parseLong(cpu[1]);
                long nice = Long.parseLong(cpu[2]);
                long system = Long.parseLong(cpu[3]);
                long idle = Long.parseLong(cpu[4]);
                long iowait = Long.parseLong(cpu[5]);
                long irq = Long.parseLong(cpu[6]);
                long softirq = Long.parseLong(cpu[7]);
                long steal = Long.parseLong(cpu[8]);
                // /proc/self/stat: after "(comm) ", field 14..17 are utime stime cutime cstime.
                String self = Files.readString(Path.of("/proc/self/stat"));
                String[] fields = self.substring(self.lastIndexOf(')') + 2).split(" ");
                long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                        + Long.parseLong(fields[14]);
                return new Usage(user + nice + system + irq + softirq, steal,
                        user + nice + system + idle + iowait + irq + softirq + steal, own);
            } catch (IOException | RuntimeException e) {
                return UNKNOWN;
            }
        }

        /**
         * The share of the machine's CPU capacity between {@code earlier} and now that other processes
         * used, and that the hypervisor took (steal), e.g. {@code "other processes 3.1%, steal 0.4%"}.
         */
        String othersSince(Usage earlier) {
            double others = othersShare(earlier);
            if (Double.isNaN(others)) {
                return "other processes: unknown (no /proc/stat)";
            }
            return String.format(Locale.ROOT, "other processes %.1f%%, steal %.1f%% of the machine's CPU time",
                    others, 100.0 * (steal - earlier.steal) / (total - earlier.total));
        }

        /** The percentage of the machine's CPU capacity other processes used since {@code earlier}, or NaN. */
        double othersShare(Usage earlier) {
            long total = this.total - earlier.total;
            if (this.total < 0 || earlier.total < 0 || total <= 0) {
                return Double.NaN;
            }
            return 100.0 * Math.max(0, (busy - earlier.busy) - (own - earlier.own)) / total;
        }
    }
}
