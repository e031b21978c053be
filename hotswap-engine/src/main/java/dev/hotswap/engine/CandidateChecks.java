package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link CandidateCheck}s of one database, in the order they were added, and the push step that
 * runs them: each on fresh read-only connections (a check cannot leave a transaction or a setting
 * to the next), timed, reported as a status line, the first refusal ending the push.
 */
final class CandidateChecks {
    private static final System.Logger LOG = System.getLogger(CandidateChecks.class.getName());
    /** Longer than a request would wait: a check runs outside any pause, and a writer may hold the live file. */
    private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(30);

    /** A check and its name. */
    record Named(String name, CandidateCheck check) {
    }

    static final CandidateChecks NONE = new CandidateChecks(List.of());

    private final List<Named> checks;

    CandidateChecks(List<Named> checks) {
        this.checks = List.copyOf(checks);
    }

    /**
     * Refuses a check name that could not travel in a comma-separated {@code skip-check} option.
     *
     * @throws IllegalArgumentException unless 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
     */
    static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("check name '" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    List<String> names() {
        return checks.stream().map(Named::name).toList();
    }

    /**
     * Refuses skipping a check that {@code database} does not have: a typo must not look like a skip.
     *
     * @throws IllegalArgumentException naming the unknown check and the database's checks
     */
    void requireKnown(String database, Set<String> skipped) {
        List<String> names = names();
        for (String name : skipped) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("no check named '" + name + "' on " + database + " (checks: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
            }
        }
    }

    /**
     * Runs every check not in {@code skipped} on {@code candidate} against {@code current}.
     *
     * @return the time of each check that ran, in order
     * @throws SwapRefusedException {@code ERROR: check NAME refused: ...} or {@code ERROR: check NAME failed: ...}
     * @throws IOException if the progress's client is gone
     */
    Map<String, Duration> run(String database, Path candidate, Path current, Set<String> skipped, Progress progress)
            throws SwapRefusedException, IOException {
        Map<String, Duration> times = new LinkedHashMap<>();
        for (Named named : checks) {
            String step = "check " + named.name();
            if (skipped.contains(named.name())) {
                LOG.log(System.Logger.Level.WARNING, database + ": " + step + " skipped on request");
                progress.status(step + " skipped");
                continue;
            }
            progress.phase(step);
            long start = System.nanoTime();
            CandidateCheck.Verdict verdict = judge(named, candidate, current);
            Duration took = Push.since(start);
            if (!verdict.passed()) {
                LOG.log(System.Logger.Level.WARNING, database + ": " + step + " refused the pushed file: "
                        + verdict.refusal());
                throw new SwapRefusedException(SwapRefusedException.Reason.CHECK, "ERROR: " + step + " refused: "
                        + verdict.refusal());
            }
            LOG.log(System.Logger.Level.INFO, database + ": " + step + " ok in " + took.toMillis() + " ms");
            progress.status(step + " " + took.toMillis() + " ms");
            times.put(named.name(), took);
        }
        return Collections.unmodifiableMap(times);
    }

    private static CandidateCheck.Verdict judge(Named named, Path candidate, Path current) throws SwapRefusedException {
        // The candidate is opened read-write (a read-only open of a WAL file leaves -wal and -shm
        // behind, beside a temp file about to be renamed) and made query-only before the check sees it.
        try (Connection pushed = Sqlite.open(candidate, BUSY_TIMEOUT);
                Connection live = Sqlite.openReadOnly(current, BUSY_TIMEOUT)) {
            try (Statement statement = pushed.createStatement()) {
                statement.execute("PRAGMA query_only = 1");
            }
            CandidateCheck.Verdict verdict = named.check().check(pushed, live);
            if (verdict == null) {
                throw new IllegalStateException("returned null instead of a verdict");
            }
            return verdict;
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "check " + named.name() + " failed", e);
            throw new SwapRefusedException(SwapRefusedException.Reason.CHECK, "ERROR: check " + named.name()
                    + " failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
    }

    /** The checks of each database: those for all first, then its own, each list in the order added. */
    static Map<String, CandidateChecks> of(Set<String> databases, List<Named> forAll, Map<String, List<Named>> perDatabase) {
        Map<String, CandidateChecks> result = new LinkedHashMap<>();
        for (String database : databases) {
            List<Named> list = new ArrayList<>(forAll);
            list.addAll(perDatabase.getOrDefault(database, List.of()));
            result.put(database, new CandidateChecks(list));
        }
        return Collections.unmodifiableMap(result);
    }
}
