package dev.hotswap.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

import dev.hotswap.engine.GenerationStatus;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.StagedGeneration;
import dev.hotswap.engine.SwapRefusedException;

/**
 * One database of a hotswap engine as the fleet needs it: the thin binding of {@link NodeDatabase}
 * to the engine's generations. Staging is the engine's own push pipeline up to the swap (header,
 * {@code integrity_check}, schema against the live database, a durable generation that is not
 * current), the flip is {@link Hotswap#activate}, a rollback is {@link Hotswap#rollback}, and the
 * rollout ids live in the engine's generation history, where {@code hotswap ls} shows them. The
 * engine's refusals become {@link StageRefusedException}s with the same text; a node never skips a
 * check.
 */
final class EngineDatabase implements NodeDatabase {
    private final Hotswap engine;
    private final String name;

    EngineDatabase(Hotswap engine, String name) {
        this.engine = engine;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public StagedFile stage(InputStream content, String rolloutId) throws StageRefusedException, IOException {
        return asFleet(() -> staged(engine, engine.stage(name, content, PushOptions.defaults(), rolloutId)));
    }

    /** {@code generation}, staged by {@code engine}, as the fleet flips or discards it. */
    static StagedFile staged(Hotswap engine, StagedGeneration generation) {
        return new StagedFile() {
            @Override
            public long generation() {
                return generation.id();
            }

            @Override
            public long activate() throws StageRefusedException, IOException {
                return asFleet(() -> engine.activate(generation).pauseMicros());
            }

            @Override
            public void close() {
                generation.close();
            }
        };
    }

    @Override
    public DatabaseStatus status() throws IOException {
        dev.hotswap.engine.DatabaseStatus status;
        try {
            status = engine.status().stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the engine manages no database " + name));
        } catch (IllegalStateException e) {
            throw stopped(e);
        }
        List<DatabaseStatus.Generation> kept = status.kept().stream().map(EngineDatabase::generation).toList();
        return new DatabaseStatus(generation(status.current()), kept);
    }

    private static DatabaseStatus.Generation generation(GenerationStatus generation) {
        return DatabaseStatus.Generation.of(generation.id(), generation.rolloutId());
    }

    @Override
    public long rollback(long generation) throws StageRefusedException, IOException {
        return asFleet(() -> engine.rollback(name, OptionalLong.of(generation)).pauseMicros());
    }

    @Override
    public RollbackClaim claimForRollback() throws StageRefusedException, IOException {
        dev.hotswap.engine.RollbackClaim claim = asFleet(() -> engine.claimForRollback(name));
        return new RollbackClaim() {
            @Override
            public long rollback(long generation) throws StageRefusedException, IOException {
                return asFleet(() -> claim.rollback(generation).pauseMicros());
            }

            @Override
            public void close() {
                claim.close();
            }
        };
    }

    /** A call into the engine, which may refuse. */
    private interface EngineCall<T> {
        T call() throws SwapRefusedException, IOException;
    }

    /** Runs {@code call}, its refusal and a stopped engine said in the fleet's terms. */
    private static <T> T asFleet(EngineCall<T> call) throws StageRefusedException, IOException {
        try {
            return call.call();
        } catch (SwapRefusedException e) {
            throw new StageRefusedException(e.getMessage());
        } catch (IllegalStateException e) {
            throw stopped(e);
        }
    }

    /** The engine refused a call because it is not running (closing, say): an I/O failure to the fleet. */
    private static IOException stopped(IllegalStateException e) {
        return new IOException(e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "database " + name + " of " + engine;
    }
}
