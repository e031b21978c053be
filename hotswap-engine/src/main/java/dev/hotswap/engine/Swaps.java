package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The engine's pushes, dry runs, stagings, activations and rollbacks of a database, whether asked for
 * in-process ({@link Hotswap}) or on the admin socket ({@link AdminConnection}); the caller has found
 * the database and checked the call. Every push and rollback, and every staging that fails, is told
 * to the {@link SwapListener}s; a dry run is not.
 */
final class Swaps {
    private final Hotswap engine;
    private final Views views;
    private final SwapListeners listeners;
    private final DiskBudget diskBudget;

    /** {@code engine} owns the staged generations ({@link Hotswap#activate} takes only its own). */
    Swaps(Hotswap engine, Views views, SwapListeners listeners, DiskBudget diskBudget) {
        this.engine = engine;
        this.views = views;
        this.listeners = listeners;
        this.diskBudget = diskBudget;
    }

    /** The whole file from {@code content}, stopped if free space falls below the disk reserve. */
    CandidateReceiver receiver(ManagedDatabase db, InputStream content) throws IOException {
        return new StreamReceiver(diskBudget.guard(db.folder().path(), content));
    }

    /** A push whose file arrives through {@code receiver}: a whole stream, or a delta on the admin socket. */
    SwapReport push(ManagedDatabase db, CandidateReceiver receiver, PushOptions options, Progress progress)
            throws IOException, SwapRefusedException {
        long start = System.nanoTime();
        return listeners.observed(db.name(), SwapOutcome.Operation.PUSH, start, () -> {
            try (StagedGeneration staged = Push.stage(engine, db, receiver, options, null, progress)) {
                return activate(staged, progress);
            }
        });
    }

    /** {@link Hotswap#check} of a file that arrives through {@code receiver}. */
    CheckReport check(ManagedDatabase db, CandidateReceiver receiver, PushOptions options, Progress progress)
            throws IOException, SwapRefusedException {
        return Push.dryRun(db, receiver, options, progress);
    }

    /** {@link Hotswap#stage} of a file that arrives through {@code receiver}, telling the listeners of a refusal. */
    StagedGeneration stage(ManagedDatabase db, CandidateReceiver receiver, PushOptions options, String rolloutId,
            Progress progress) throws IOException, SwapRefusedException {
        long start = System.nanoTime();
        try {
            return Push.stage(engine, db, receiver, options, rolloutId, progress);
        } catch (SwapRefusedException e) {
            listeners.refused(db.name(), SwapOutcome.Operation.PUSH, start, e);
            throw e;
        } catch (IOException | RuntimeException e) {
            listeners.failed(db.name(), SwapOutcome.Operation.PUSH, start, e);
            throw e;
        }
    }

    /** {@link Hotswap#activate}, told to the listeners. */
    SwapReport activate(StagedGeneration staged) throws IOException, SwapRefusedException {
        long start = System.nanoTime();
        return listeners.observed(staged.db().name(), SwapOutcome.Operation.PUSH, start,
                () -> activate(staged, Progress.NONE));
    }

    /** {@link Hotswap#rollback}, the database claimed for it meanwhile, told to the listeners. */
    SwapReport rollback(ManagedDatabase db, OptionalLong generation, Progress progress)
            throws IOException, SwapRefusedException {
        long start = System.nanoTime();
        return listeners.observed(db.name(), SwapOutcome.Operation.ROLLBACK, start, () -> {
            Push.claim(db);
            try {
                return rollbackClaimed(db, generation, progress);
            } finally {
                db.endClaim();
            }
        });
    }

    /** A rollback to {@code generation} under a claim its caller holds, told to the listeners. */
    SwapReport rollbackClaimed(ManagedDatabase db, long generation) throws IOException, SwapRefusedException {
        return listeners.observed(db.name(), SwapOutcome.Operation.ROLLBACK, System.nanoTime(),
                () -> rollbackClaimed(db, OptionalLong.of(generation), Progress.NONE));
    }

    private SwapReport rollbackClaimed(ManagedDatabase db, OptionalLong generation, Progress progress)
            throws IOException, SwapRefusedException {
        ManagedDatabase.RollbackTarget target = db.rollbackTarget(generation, views::retire);
        try {
            long bytes;
            try {
                bytes = Files.size(target.record().file());
            } catch (IOException | RuntimeException e) {
                target.generation().release();
                throw e;
            }
            return Swap.run(views, db, target.generation(), target.record(), bytes, Duration.ZERO,
                    Duration.ZERO, Duration.ZERO, true, progress);
        } finally {
            db.endActivation(target.record().id());
        }
    }

    private SwapReport activate(StagedGeneration staged, Progress progress) throws IOException, SwapRefusedException {
        staged.beginActivation();
        ManagedDatabase db = staged.db();
        GenerationRecord record = staged.record();
        Generation next = db.openGeneration(record.id(), record.file(), views::retire);
        SwapReport report = Swap.run(views, db, next, record, staged.bytes(), staged.receive(), staged.integrityCheck(),
                staged.schemaCheck(), false, progress);
        staged.activated();
        return report;
    }
}
