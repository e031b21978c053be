package dev.hotswap.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The local file a push reads, resolved through its symbolic links once, before anything reads it,
 * and the check that the file alone is what SQLite would read from it.
 *
 * <p>SQLite resolves a database path through its links and keeps the {@code -wal} and
 * {@code -journal} beside the file it leads to, not beside the link: with
 * {@code latest.sqlite3 -> build-42.sqlite3} the log is {@code build-42.sqlite3-wal}. Resolving once
 * also means that a link repointed during the push ({@code latest.sqlite3 -> build-43.sqlite3})
 * cannot mix two files into one upload: its size, its hashes and its bytes all come from one file.
 *
 * <p>The file alone is not what SQLite reads when a non-empty {@code -wal} lies beside it (commits
 * may be in the log only), or a hot {@code -journal} (a transaction that never committed spilled
 * pages into the file; SQLite puts the originals back from the journal when it next opens it). The
 * CLI links no SQLite to apply either, so such a file is refused, with the command that settles it.
 * A journal is hot when its header starts with the journal magic, as the engine's adoption judges
 * it: a committed journal in {@code PERSIST} mode has a zeroed header, in {@code TRUNCATE} mode no
 * bytes, in {@code DELETE} mode no file.
 *
 * @param typed the path as given, resolved against the working directory
 * @param file the file it leads to, which is what is read; {@code typed} if it cannot be resolved
 *     (reading it then fails with the reason)
 */
record PushSource(Path typed, Path file) {
    /** The first 8 bytes of a rollback journal's header whose transaction has not been committed. */
    static final long JOURNAL_MAGIC = 0xd9d505f920a163d7L;

    /** {@code typed} resolved through its links. */
    static PushSource of(Path typed) {
        try {
            return new PushSource(typed, typed.toRealPath());
        } catch (IOException e) {
            return new PushSource(typed, typed);
        }
    }

    /** The file for messages: the path as given, and where it leads if that is elsewhere. */
    String describe() {
        return typed.equals(file) ? file.toString() : typed + " (which leads to " + file + ")";
    }

    /**
     * Why the file alone is not what SQLite would read from it, with the command that settles it;
     * empty if it is.
     */
    Optional<String> unsettled() {
        Path wal = sideFile("-wal");
        long walSize = sizeOf(wal);
        if (walSize > 0) {
            return Optional.of(describe() + " has a write-ahead log (" + wal + ", " + Quantities.bytes(walSize)
                    + "): its latest commits may be in the log, not in the file. Checkpoint it first:\n"
                    + "  sqlite3 " + file + " 'PRAGMA wal_checkpoint(TRUNCATE);'\n"
                    + "or close every connection to it (the last one to close checkpoints), then push again.");
        }
        Path journal = sideFile("-journal");
        try {
            if (isHot(journal)) {
                return Optional.of(describe() + " has a hot journal (" + journal + ", "
                        + Quantities.bytes(sizeOf(journal)) + "): a transaction that never committed (its writer"
                        + " crashed, or is still writing) may have left its changes in the file; SQLite undoes them"
                        + " from the journal when it next opens the file. If no process is writing it, let SQLite"
                        + " roll it back first:\n"
                        + "  sqlite3 " + file + " 'SELECT count(*) FROM sqlite_master;'\n"
                        + "then push again.");
            }
        } catch (IOException e) {
            return Optional.of("cannot read " + journal + " to tell whether " + describe()
                    + " holds an unfinished transaction: " + CommandFailure.reason(e));
        }
        return Optional.empty();
    }

    private Path sideFile(String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    private static boolean isHot(Path journal) throws IOException {
        if (!Files.isRegularFile(journal)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(8);
            while (magic.hasRemaining() && channel.read(magic, magic.position()) > 0) {
                // a short read just repeats
            }
            return !magic.hasRemaining() && magic.getLong(0) == JOURNAL_MAGIC;
        } catch (NoSuchFileException e) {
            return false; // the writer committed and deleted it meanwhile
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
