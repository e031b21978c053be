package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pushed file on its way to becoming a generation that is not yet current (staged), each step
 * logged and timed:
 * <ol>
 * <li>receive into a hidden temp file in the generation folder (a {@link CandidateReceiver}: the
 *     whole stream, or a copy of the current generation patched by a delta), and start its fsync,
 *     which overlaps with the checks ({@link OverlappedSync});</li>
 * <li>the header sanity check (always);</li>
 * <li>{@code PRAGMA integrity_check} (unless skipped);</li>
 * <li>the schema comparison with the current generation, and of their latest Flyway or Liquibase
 *     migrations ({@link MigrationHistory}) (unless skipped);</li>
 * <li>the application's {@link CandidateCheck}s, in order (each unless skipped by name);</li>
 * <li>the database's warm-up statements compiled on it ({@link WarmUp#compile});</li>
 * <li>the current generation's journal mode and permissions, an fsync, and the file's permanent name
 *     ({@code NNNNNN.sqlite3}), with an fsync of the folder.</li>
 * </ol>
 * A dry run ({@link #dryRun}) stops before the last step and deletes the file. Any failure deletes
 * the temp file; the live database is never touched here. The database is claimed for the push from
 * the first step until the staged generation is activated or discarded, so that a second push is
 * refused at once instead of queueing.
 */
final class Push {
    private static final System.Logger LOG = System.getLogger(Push.class.getName());

    private Push() {
    }

    /** A received file that passed every check, still under its temp name, its fsync perhaps under way. */
    private record Checked(Path temp, OverlappedSync sync, long bytes, Duration receive, Duration integrity,
            Duration schema, Map<String, Duration> checks) {
    }

    /**
     * Runs the steps on {@code content}, read to its end.
     *
     * @throws SwapRefusedException if a check refused, or another push or rollback runs
     * @throws IOException if receiving or a file operation failed
     */
    static StagedGeneration stage(Hotswap engine, ManagedDatabase db, CandidateReceiver receiver, PushOptions options,
            String rolloutId, Progress progress) throws IOException, SwapRefusedException {
        claim(db);
        Path temp = null;
        OverlappedSync sync = null;
        try {
            String name = db.name();
            Checked checked = receiveAndCheck(db, receiver, options, progress);
            temp = checked.temp();
            sync = checked.sync();
            Path currentFile = db.currentFile();
            JournalMode.match(name, temp, JournalMode.isWal(currentFile));
            Permissions.copy(name, currentFile, temp);
            sync.await();
            // after the journal mode's small changes: cheap once the sync above is done
            db.settings().disk().sync(temp);
            long id = db.nextId();
            Path file = db.folder().install(temp, id);
            db.hashCache().installed(db.folder(), temp, id, file);
            temp = null;
            db.settings().disk().reached(Steps.STAGED);
            LOG.log(System.Logger.Level.INFO, "{0}: staged generation {1}", name, id);
            GenerationRecord record = new GenerationRecord(id, file, db.settings().clock().instant(),
                    GenerationRecord.Origin.PUSHED,
                    rolloutId);
            return new StagedGeneration(engine, db, record, checked.bytes(), checked.receive(), checked.integrity(),
                    checked.schema());
        } catch (IOException | SwapRefusedException | RuntimeException | Error e) {
            db.endClaim();
            throw e;
        } finally {
            discard(db, temp, sync);
        }
    }

    /**
     * Runs the steps up to the last check, as {@link #stage} does, then deletes the file: a dry run.
     * The database is claimed meanwhile, as for a push: the verdict is about the generation that is
     * current, and a push at the same time would change it.
     *
     * @throws SwapRefusedException if a check refused, or another push or rollback runs
     * @throws IOException if receiving or a file operation failed
     */
    static CheckReport dryRun(ManagedDatabase db, CandidateReceiver receiver, PushOptions options, Progress progress)
            throws IOException, SwapRefusedException {
        claim(db);
        try {
            Checked checked = receiveAndCheck(db, receiver, options, progress);
            discard(db, checked.temp(), checked.sync());
            LOG.log(System.Logger.Level.INFO, "{0}: dry run passed; the file is deleted", db.name());
            return new CheckReport(db.name(), checked.bytes(), checked.integrity(), checked.schema(), checked.checks());
        } finally {
            db.endClaim();
        }
    }

    /**
     * Claims {@code db} for a push or rollback, which other pushes and rollbacks are refused until
     * {@link ManagedDatabase#endClaim()}.
     *
     * @throws SwapRefusedException ({@code BUSY}) if a push or rollback holds it now
     */
    static void claim(ManagedDatabase db) throws SwapRefusedException {
        if (!db.tryClaim()) {
            throw new SwapRefusedException(SwapRefusedException.Reason.BUSY, "ERROR: another push or rollback of " + db.name() + " is in progress");
        }
    }

    private static void discard(ManagedDatabase db, Path temp, OverlappedSync sync) {
        if (temp != null) {
            if (sync != null) {
                sync.awaitQuietly();
            }
            db.folder().delete(temp);
        }
    }

    /**
     * Receives the file into a temp file and runs the checks on it. On failure the temp file is
     * deleted here; on success it is the caller's.
     */
    private static Checked receiveAndCheck(ManagedDatabase db, CandidateReceiver receiver, PushOptions options,
            Progress progress) throws IOException, SwapRefusedException {
        CandidateChecks checks = db.settings().checksOf(db.name());
        checks.requireKnown(db.name(), options.skipChecks());
        Path temp = null;
        OverlappedSync sync = null;
        boolean checked = false;
        try {
            String name = db.name();
            temp = db.folder().newTemp();
            progress.phase("upload");
            long start = System.nanoTime();
            long bytes = receiver.receiveInto(temp, progress);
            sync = OverlappedSync.start(temp);
            Duration receive = since(start);
            db.settings().disk().reached(Steps.RECEIVED);
            LOG.log(System.Logger.Level.INFO, name + ": received " + bytes + " bytes into " + temp + " in "
                    + receive.toMillis() + " ms");
            progress.status("received " + bytes + " bytes in " + receive.toMillis() + " ms");

            DatabaseHeader incoming = DatabaseHeader.check(temp);
            LOG.log(System.Logger.Level.INFO, name + ": header ok: " + incoming.fileSize() / incoming.pageSize()
                    + " pages of " + incoming.pageSize() + " bytes, " + (incoming.wal() ? "WAL" : "rollback") + " mode");

            Duration integrity = Duration.ZERO;
            if (options.skipIntegrityCheck()) {
                progress.status("integrity check skipped");
            } else {
                progress.phase("integrity check");
                start = System.nanoTime();
                IntegrityCheck.run(temp);
                integrity = since(start);
                LOG.log(System.Logger.Level.INFO, name + ": integrity check ok in " + integrity.toMillis() + " ms");
                progress.status("integrity check " + integrity.toMillis() + " ms");
            }

            Path currentFile = db.currentFile();
            Duration schema = Duration.ZERO;
            if (options.skipSchemaCheck()) {
                progress.status("schema check skipped");
            } else {
                progress.phase("schema check");
                start = System.nanoTime();
                // Migrations first: "built by older code" says more than the diff such a file also has.
                String migrations = compareMigrations(currentFile, temp);
                checkSchema(name, currentFile, temp);
                schema = since(start);
                LOG.log(System.Logger.Level.INFO, name + ": schema check ok in " + schema.toMillis() + " ms"
                        + (migrations != null ? "; " + migrations : ""));
                progress.status("schema check " + schema.toMillis() + " ms");
                if (migrations != null) {
                    progress.status(migrations);
                }
            }

            Map<String, Duration> times = checks.run(name, temp, currentFile, options.skipChecks(), progress);
            receiver.awaitOwnCheck();
            WarmUp.compile(name, temp, db.settings().warmUp().getOrDefault(name, List.of()));
            checked = true;
            return new Checked(temp, sync, bytes, receive, integrity, schema, times);
        } finally {
            if (!checked) {
                receiver.awaitOwnCheckQuietly();
                discard(db, temp, sync);
            }
        }
    }

    /** The line naming both latest migrations, or null without a migration history; refuses an older one. */
    private static String compareMigrations(Path live, Path incoming) throws SwapRefusedException {
        try {
            return MigrationHistory.compare(live, incoming);
        } catch (SQLException e) {
            throw new SwapRefusedException(SwapRefusedException.Reason.SCHEMA,
                    "ERROR: reading the migration history failed\n" + e.getMessage());
        }
    }

    private static void checkSchema(String name, Path live, Path incoming) throws SwapRefusedException, IOException {
        List<String> liveSchema;
        List<String> incomingSchema;
        try {
            liveSchema = SchemaDiff.read(live, true);
        } catch (SQLException e) {
            throw new IOException("reading the schema of live database " + name + " failed: " + e.getMessage(), e);
        }
        try {
            incomingSchema = SchemaDiff.read(incoming, false);
        } catch (SQLException e) {
            throw new SwapRefusedException(SwapRefusedException.Reason.SCHEMA, "ERROR: reading the schema of the new database failed\n" + e.getMessage());
        }
        String mismatch = SchemaDiff.mismatch(liveSchema, incomingSchema);
        if (mismatch != null) {
            throw new SwapRefusedException(SwapRefusedException.Reason.SCHEMA, mismatch);
        }
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** {@code 5s}, or {@code 250ms} when not whole seconds. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
