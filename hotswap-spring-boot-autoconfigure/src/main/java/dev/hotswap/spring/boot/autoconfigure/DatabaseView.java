package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.DatabaseStatus;
import dev.hotswap.engine.GenerationStatus;
import dev.hotswap.engine.SwapReport;
import java.time.Duration;
import java.util.List;

/**
 * One managed database as {@code /actuator/hotswap} shows it, from {@code Hotswap.status()}: plain
 * values that render the same in every JSON mapper (paths and instants as strings, durations as
 * milliseconds).
 *
 * @param path the live path, as configured
 * @param current the generation new requests get
 * @param kept earlier generations kept for rollback, most recently current first
 * @param retiring superseded generations beyond the keep count that requests still hold
 * @param requests requests pinned to any of its generations now
 * @param lastSwap the last push or rollback that went live since the engine started, or null
 */
public record DatabaseView(String path, Generation current, List<Generation> kept, List<Generation> retiring,
        long requests, Swap lastSwap) {

    /** The view of {@code status}. */
    public static DatabaseView of(DatabaseStatus status) {
        return new DatabaseView(status.path().toString(), Generation.of(status.current()),
                status.kept().stream().map(Generation::of).toList(),
                status.retiring().stream().map(Generation::of).toList(),
                status.requests(), status.lastSwap() == null ? null : Swap.of(status.lastSwap()));
    }

    /**
     * One generation.
     *
     * @param generation its number
     * @param file its file
     * @param since when it last became current (ISO-8601), or was made if never
     * @param bytes its size, -1 if it cannot be read
     * @param requests requests pinned to it now
     * @param connections connections of it the application holds now
     * @param pauseMicros the pause of the swap that last made it current, or null if unknown
     * @param rollout the fleet rollout that brought it, or null
     */
    public record Generation(long generation, String file, String since, long bytes, long requests, long connections,
            Long pauseMicros, String rollout) {

        static Generation of(GenerationStatus status) {
            return new Generation(status.id(), status.file().toString(), status.since().toString(), status.bytes(),
                    status.requests(), status.connections(), status.pauseMicros() < 0 ? null : status.pauseMicros(),
                    status.rolloutId());
        }
    }

    /**
     * A push or rollback that went live.
     *
     * @param fromGeneration the generation current before
     * @param toGeneration the generation it made current
     * @param bytes the new current file's size
     * @param receiveMillis receiving the file (0 for a rollback)
     * @param integrityCheckMillis {@code PRAGMA integrity_check} (0 if skipped, or a rollback)
     * @param schemaCheckMillis the schema comparison (0 if skipped, or a rollback)
     * @param swapMillis making the new generation durable and current
     * @param pauseMicros the flip: the longest a new request could have waited for it
     * @param releasedMillis from the flip until the old generation was released, or null if requests
     *     or connections still held it when the swap was reported
     */
    public record Swap(long fromGeneration, long toGeneration, long bytes, double receiveMillis,
            double integrityCheckMillis, double schemaCheckMillis, double swapMillis, long pauseMicros,
            Double releasedMillis) {

        static Swap of(SwapReport report) {
            return new Swap(report.fromGeneration(), report.toGeneration(), report.bytes(), millis(report.receive()),
                    millis(report.integrityCheck()), millis(report.schemaCheck()), millis(report.swap()),
                    report.pauseMicros(), report.released() == null ? null : millis(report.released()));
        }

        private static double millis(Duration duration) {
            return duration.toNanos() / 1e6;
        }
    }
}
