package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Writes the fleet's copy of a database ({@link Rollouts#copyOf}) where its live path leads to
 * nothing at start, so that a new server (an empty disk) serves what the fleet serves from its first
 * request. The file is then an ordinary regular file at the live path, which the start adopts as
 * generation 1 with the copy's rollout id, like any other adopted file.
 *
 * <p>Never half-made, as {@link EmptyDatabase}: the copy is written under a temp name beside the live
 * path (its bytes claimed from the {@link DiskBudget} first, so the disk reserve holds), checked as a
 * push is (the header; {@code PRAGMA integrity_check}; there is no live database to compare schemas
 * with), synced, and only then given the live name by a hard link, which fails rather than replace a
 * file that appeared there meanwhile. A download that fails midway (the fleet's streams throw on a
 * short or altered file) or a crash leaves at most the temp file, which is deleted here or by the next
 * start with the other temp files of the live path. The file gets mode 0600, as a created one does.
 */
final class FetchedDatabase {
    private static final System.Logger LOG = System.getLogger(FetchedDatabase.class.getName());

    private FetchedDatabase() {
    }

    /**
     * Puts the fleet's copy of {@code database} at {@code live} if that leads to nothing (a dangling
     * link is left alone, as {@link EmptyDatabase} leaves it) and {@code rollouts} have one.
     *
     * @return the rollout id of the copy put there, or empty
     */
    static Optional<String> fetchIfMissing(String database, Path live, Rollouts rollouts, DiskBudget budget, Disk disk)
            throws IOException {
        if (Files.exists(live, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Optional<Rollouts.Copy> copy = rollouts.copyOf(database);
        if (copy.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "{0}: {1} does not exist, and the fleet serves no copy of it yet",
                    database, live);
            return Optional.empty();
        }
        return install(database, live, copy.get(), budget, disk) ? Optional.of(copy.get().rolloutId())
                : Optional.empty();
    }

    /**
     * Writes {@code copy} at {@code live}, and its parent folders, unless something is there already.
     * Closes the copy's stream.
     *
     * @return whether it put the copy there
     * @throws IOException if the copy does not fit above the reserve, fails its checks (the message
     *     says which), or cannot be written or linked into place; nothing is then left at {@code live}
     */
    static boolean install(String database, Path live, Rollouts.Copy copy, DiskBudget budget, Disk disk)
            throws IOException {
        Path dir = live.getParent();
        Files.createDirectories(dir);
        Path temp = TempFiles.fresh(live);
        String what = "the fleet's copy of database " + database + " (rollout " + copy.rolloutId() + ")";
        long start = System.nanoTime();
        try (InputStream content = copy.content(); DiskClaim claim = budget.claim(what, dir, copy.size())) {
            long written;
            try {
                written = write(claim.guard(content), temp);
            } catch (DiskBudget.NoRoomException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException("database " + database + ": cannot fetch " + what + ": " + e.getMessage(), e);
            }
            if (written != copy.size()) {
                throw new IOException("database " + database + ": " + what + " has " + written + " bytes, not the "
                        + copy.size() + " announced");
            }
            try {
                DatabaseHeader.check(temp);
                IntegrityCheck.run(temp);
            } catch (SwapRefusedException e) {
                throw new IOException("database " + database + ": " + what + " fails its checks: "
                        + e.getMessage().replaceFirst("^ERROR: ", ""), e);
            }
            TempFiles.deleteSideFiles(temp);
            disk.sync(temp);
            try {
                disk.link(live, temp);
            } catch (FileAlreadyExistsException appeared) {
                return false; // another process put a file there meanwhile: that one is served
            } catch (IOException | UnsupportedOperationException e) {
                throw new IOException("database " + database + ": cannot link " + what + " into place at " + live
                        + " (the engine needs hard links there, as for adoption): " + e, e);
            }
            disk.syncDirectory(dir);
        } finally {
            TempFiles.delete(temp);
        }
        LOG.log(System.Logger.Level.INFO, "{0}: {1} did not exist; fetched rollout {2} from the fleet there ({3} bytes"
                + " in {4} ms, checked)", database, live, copy.rolloutId(), Long.toString(copy.size()),
                Long.toString((System.nanoTime() - start) / 1_000_000));
        return true;
    }

    /** {@code content} to the new file {@code temp}, mode 0600 whatever the umask; returns the bytes written. */
    private static long write(InputStream content, Path temp) throws IOException {
        boolean posix = Files.getFileAttributeView(temp.getParent(), PosixFileAttributeView.class) != null;
        if (posix) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(EmptyDatabase.MODE));
            Files.setPosixFilePermissions(temp, EmptyDatabase.MODE);
        } else {
            Files.createFile(temp);
        }
        try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
            return content.transferTo(out);
        }
    }
}
