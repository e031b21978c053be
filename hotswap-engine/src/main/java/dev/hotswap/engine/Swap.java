package dev.hotswap.engine;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Making a generation current, for a push and a rollback alike, each step done before the next:
 * <ol>
 * <li>open it, and as many connections as the current one has, so that it is proven and the
 *     first requests do not pay for opening them; then run the database's warm-up statements on one
 *     of them ({@link WarmUp}): one that fails refuses a push, and only warns on a rollback, which
 *     is the operator's way back and must not be blocked by a statement the older file cannot run;</li>
 * <li>on the first swap of an operator's linked file, record that file as a generation
 *     ({@link Adoption});</li>
 * <li>point the live path at the new generation's file (a new link renamed over it) and fsync its
 *     directory: from here a restart, {@code sqlite3} on the live path and backups see it;</li>
 * <li>append its line to the folder's history (synced);</li>
 * <li>flip: new requests pin it; requests in flight finish on the generation they started on.</li>
 * </ol>
 * Until the rename of step 3, a failure leaves the live database as it was. From the rename on, the
 * swap has happened as far as a restart is concerned, so it always completes: a failed fsync of the
 * live path's directory is reported as a warning (the link's survival of a power cut is not
 * confirmed), a failed history line is written whole by the next write. What the report says is what
 * a restart serves. Then the report waits a moment for the old generation's last request, to say when
 * it was released.
 */
final class Swap {
    private static final System.Logger LOG = System.getLogger(Swap.class.getName());
    /**
     * How long the report waits for the old generation to be released: long enough for the requests
     * in flight of a busy app to finish, short enough that the push still returns at once. Requests
     * never wait.
     */
    static final Duration RELEASE_WAIT = Duration.ofMillis(200);

    private Swap() {
    }

    /**
     * Makes {@code next} (held once by the caller; the hold goes to the new view, or back on failure)
     * the current generation of {@code db}. The caller holds the database's claim.
     */
    static SwapReport run(Views views, ManagedDatabase db, Generation next, GenerationRecord record, long bytes,
            Duration receive, Duration integrityCheck, Duration schemaCheck, boolean rollback, Progress progress)
            throws IOException, SwapRefusedException {
        boolean flipped = false;
        try {
            progress.phase("swap");
            progress.status("Swapping database...");
            long start = System.nanoTime();
            Generation previous = db.current();
            warm(db, next, record, previous, rollback, progress);
            db.recordAdoption();
            Disk disk = db.settings().disk();
            String warning = null;
            try {
                db.folder().pointLiveAt(record.file());
            } catch (GenerationFolder.LinkNotDurableException e) {
                warning = "WARNING: " + e.getMessage();
                LOG.log(System.Logger.Level.WARNING, db.name() + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IOException("could not point " + db.path() + " at " + record.file() + ": " + e.getMessage()
                        + "; database untouched", e);
            }
            disk.reached(Steps.LINKED);
            GenerationRecord current = record.currentSince(db.settings().clock().instant());
            db.recordLinked(current);
            disk.reached(Steps.RECORDED);
            long pauseNanos = views.flip(db, next);
            flipped = true;
            long flippedAt = System.nanoTime();
            disk.reached(Steps.FLIPPED);
            long pauseMicros = pauseNanos / 1000;
            db.flipped(next, current, pauseMicros);
            Duration swap = Push.since(start);
            long releasedAt = previous.awaitRetired(RELEASE_WAIT);
            Duration released = releasedAt < 0 ? null : Duration.ofNanos(Math.max(0, releasedAt - flippedAt));
            views.prune(db);
            SwapReport report = new SwapReport(db.name(), previous.id(), next.id(), bytes, receive, integrityCheck,
                    schemaCheck, swap, pauseMicros, released);
            db.recordReport(report);
            LOG.log(System.Logger.Level.INFO, db.name() + ": generation " + next.id() + " is current (was "
                    + previous.id() + "); receive " + receive.toMillis() + " ms, integrity check "
                    + integrityCheck.toMillis() + " ms, schema check " + schemaCheck.toMillis() + " ms, swap "
                    + swap.toMillis() + " ms, pause " + pauseMicros + " µs, old generation "
                    + (released == null ? "still in use" : "released after " + released.toMillis() + " ms"));
            tell(progress, report, previous, views, warning);
            return report;
        } finally {
            if (!flipped) {
                next.release();
            }
        }
    }

    /**
     * Opens as many connections of {@code next} as {@code previous} has open (at least one, with a
     * query): the new file is proven readable, and the requests of a busy app do not each pay for
     * opening a connection right after the flip. A pool of the application's own is asked for one; it
     * sizes itself.
     *
     * <p>Warming never waits for a connection: a rollback target that requests or a scheduled job
     * still hold may have every connection out, and a rollback is what an operator runs in an
     * emergency. Only what is free now is borrowed; a generation that served before was proven
     * readable then, so when none is free it is not warmed at all.
     */
    private static void warm(ManagedDatabase db, Generation next, GenerationRecord record, Generation previous,
            boolean rollback, Progress progress) throws SwapRefusedException, IOException {
        List<Connection> opened = new ArrayList<>();
        try {
            if (next.pool() instanceof ConnectionPool pool) {
                int count = previous.pool() instanceof ConnectionPool old ? Math.max(1, old.size()) : 1;
                for (Connection connection; opened.size() < count && (connection = pool.borrowNow()) != null;) {
                    opened.add(connection);
                }
            } else if (!next.hasServed()) {
                opened.add(next.pool().borrow());
            }
            if (opened.isEmpty()) {
                if (!next.hasServed()) {
                    throw new IllegalStateException(next + " has no free connection before it served");
                }
                LOG.log(System.Logger.Level.INFO, "{0}: not warming generation {1}: every connection is in use",
                        db.name(), next.id());
                if (!warmUp(db).isEmpty()) {
                    progress.status("warm-up skipped: no connection of generation " + next.id() + " is free at once");
                }
                return;
            }
            try (Statement statement = opened.get(0).createStatement();
                    ResultSet row = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
                row.next(); // SQLite opens lazily: a file that is no database fails only here
            }
            try {
                WarmUp.run(db.name(), next.id(), opened.get(0), warmUp(db), db.settings().warmUpTimeout(), progress,
                        LOG);
            } catch (WarmUp.FailedException e) {
                if (!rollback) {
                    throw new SwapRefusedException(SwapRefusedException.Reason.WARM_UP, "ERROR: generation " + record.id()
                            + " of " + db.name() + ": " + e.getMessage() + "; database untouched");
                }
                LOG.log(System.Logger.Level.WARNING, db.name() + ": rolling back anyway: " + e.getMessage());
                progress.status("WARNING: " + e.getMessage() + "; rolling back anyway");
            }
        } catch (SQLException e) {
            throw new SwapRefusedException(SwapRefusedException.Reason.UNREADABLE, "ERROR: generation " + record.id() + " of " + db.name()
                    + " does not open: " + e.getMessage() + "; database untouched");
        } finally {
            // Straight back to the pool: the caller's hold keeps the generation open meanwhile.
            opened.forEach(next.pool()::giveBack);
        }
    }

    private static List<String> warmUp(ManagedDatabase db) {
        return db.settings().warmUp().getOrDefault(db.name(), List.of());
    }

    private static void tell(Progress progress, SwapReport report, Generation previous, Views views,
            String warning) {
        try {
            if (warning != null) {
                progress.status(warning);
            }
            progress.status("swap " + report.swap().toMillis() + " ms");
            progress.status("pause " + report.pauseMicros() + " µs");
            progress.status("generation " + report.toGeneration() + " is live (was " + report.fromGeneration() + ")");
            if (report.released() != null) {
                progress.status("old generation " + report.fromGeneration() + " released after "
                        + report.released().toMillis() + " ms");
            } else {
                progress.status("old generation " + report.fromGeneration() + " still in use by "
                        + views.requests(previous) + " request(s) and " + previous.connectionsOut()
                        + " connection(s); it closes when they finish");
            }
        } catch (IOException e) {
            // The swap is done; a client that left early only misses the numbers.
            LOG.log(System.Logger.Level.DEBUG, "client left before the swap report", e);
        }
    }
}
