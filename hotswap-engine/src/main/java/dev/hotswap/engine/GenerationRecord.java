package dev.hotswap.engine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What the engine knows of one generation on disk, open or not.
 *
 * @param id the generation's number, unique per database, increasing with every new file
 * @param file the file it is opened under from now on: {@code NNNNNN.sqlite3} in the generation
 *     folder, or for a file adopted through an operator's link, that file where it lies
 * @param since when it last became current (or was made, if it never was), by the wall clock: for
 *     display only; what came before what is the order of the history's lines, never this instant
 * @param origin how the file came to be
 * @param rolloutId the fleet rollout that brought it, or null
 */
record GenerationRecord(long id, Path file, Instant since, Origin origin, String rolloutId) {

    /** How a generation's file came to be. */
    enum Origin {
        /** The file the engine found at the live path and served as it was. */
        ADOPTED,
        /** A file pushed through the engine. */
        PUSHED
    }

    GenerationRecord {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(origin, "origin");
        if (id < 1) {
            throw new IllegalArgumentException("generation id " + id + " is not positive");
        }
    }

    /** The same generation, current again since {@code when}. */
    GenerationRecord currentSince(Instant when) {
        return new GenerationRecord(id, file, when, origin, rolloutId);
    }

    /** The same generation under another file name (an adopted file's own name in the folder). */
    GenerationRecord at(Path newFile) {
        return new GenerationRecord(id, newFile, since, origin, rolloutId);
    }
}
