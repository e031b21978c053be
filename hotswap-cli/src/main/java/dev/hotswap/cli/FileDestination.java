package dev.hotswap.cli;

import dev.hotswap.protocol.FileMode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A pulled database written to a file: the bytes go to a temporary file beside the destination,
 * which is synced and renamed over the destination only once the server's {@code END} verified
 * them and its {@code EXIT 0} confirmed the snapshot. A pull that fails or is interrupted deletes
 * the temporary file and never touches the destination; one that is killed leaves its temporary
 * file to the next pull to the same destination, which deletes it ({@link PullTempFile}).
 *
 * <p>A destination that is a symbolic link is written through, as {@code cp} writes through it: the
 * file it leads to (which need not exist yet) is replaced, by a temporary file beside that file, so
 * that the rename stays in one directory and atomic, and the link itself is left as it is. A
 * replaced file keeps its owner and group, which only root may give to a file of its own when they
 * are another user's; a pull that could not keep them is refused before any byte is written, rather
 * than handing the file to the user who pulled it.
 */
final class FileDestination implements PullDestination {
    private static final String[] JOURNALS = {"-wal", "-journal"};
    /** The mode of a pulled file when the server does not say the live file's. */
    private static final int PRIVATE = 0600;
    /** Links followed before giving up, as Linux does ({@code ELOOP}). */
    private static final int MAX_LINKS = 40;

    private final Path target;
    private final Path file;
    private final Set<PosixFilePermission> liveMode;
    private Path temp;
    private FileChannel channel;
    private OutputStream out;
    private SyncBehindOutputStream syncBehind;
    private State state = State.WRITING;

    /** Where the destination stands: being written (or not yet opened), replaced, or given up. */
    private enum State {
        WRITING, REPLACED, DISCARDED
    }

    private FileDestination(Path target, Path file, Set<PosixFilePermission> liveMode) {
        this.target = target;
        this.file = file;
        this.liveMode = liveMode;
    }

    /**
     * The destination {@code target}, an absolute path, checked before anything is written: it is
     * not a directory, the directory of the file it leads to exists, and no SQLite journal lies
     * beside that file (SQLite would apply a leftover {@code -wal} or hot {@code -journal} to the
     * new file and corrupt it).
     *
     * @param database the managed database's name, for the suggestion when target is a directory
     * @param liveMode the live file's permission bits from the server's {@code READY}; without
     *     them the file is made private ({@code 0600})
     */
    static FileDestination checked(Path target, String database, OptionalInt liveMode) throws CommandFailure {
        if (Files.isDirectory(target)) {
            throw CommandFailure.failed(target + " is a directory: name the file to write, e.g. "
                    + target.resolve(database + ".sqlite3"));
        }
        Path file;
        try {
            file = landing(target);
        } catch (IOException e) {
            throw CommandFailure.failed("cannot write " + target + ": " + CommandFailure.reason(e));
        }
        Path directory = file.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw CommandFailure.failed("cannot write " + describe(target, file) + ": directory " + directory
                    + " does not exist");
        }
        for (String suffix : JOURNALS) {
            Path journal = file.resolveSibling(file.getFileName() + suffix);
            if (sizeOf(journal) > 0) {
                throw CommandFailure.failed(journal + " exists beside the destination: SQLite would apply it to"
                        + " the pulled file and corrupt it. If nothing has " + file + " open, delete " + journal
                        + " (and " + file.getFileName() + "-shm), or pull to another file");
            }
        }
        return new FileDestination(target, file, FileMode.permissions(liveMode.orElse(PRIVATE)));
    }

    /**
     * The file that writing to {@code target} lands in: {@code target} itself, or, through every
     * symbolic link, the file the last one names, which need not exist (as {@code open(2)} creates
     * a file through a dangling link).
     */
    private static Path landing(Path target) throws IOException {
        Path current = target;
        for (int hops = 0; Files.isSymbolicLink(current); hops++) {
            if (hops == MAX_LINKS) {
                throw new FileSystemException(target.toString(), null, "too many levels of symbolic links");
            }
            current = current.resolveSibling(Files.readSymbolicLink(current));
        }
        if (current.equals(target) || !Files.isDirectory(current.getParent())) {
            return current;
        }
        return current.getParent().toRealPath().resolve(current.getFileName()); // the ".." steps resolved
    }

    @Override
    public synchronized OutputStream open() throws IOException {
        if (channel == null) {
            openChannel();
        } else {
            channel.truncate(0).position(0); // a delta pull's copy, now replaced by the whole snapshot
        }
        syncBehind = new SyncBehindOutputStream(channel);
        out = new BufferedOutputStream(syncBehind, 1 << 16);
        return out;
    }

    /**
     * Deletes what killed pulls left, then creates and locks the temporary file, open for reading and
     * writing anywhere (a delta pull patches it), no wider than the live file or the file it replaces,
     * and with the owner and group of the file it replaces.
     */
    synchronized FileChannel openChannel() throws IOException {
        PullTempFile.deleteOrphans(file);
        PosixFileAttributes replaced = Files.exists(file)
                ? Files.readAttributes(file, PosixFileAttributes.class) : null;
        Set<PosixFilePermission> mode = replaced != null ? narrowed(replaced.permissions()) : liveMode;
        PullTempFile created = PullTempFile.create(file, mode);
        temp = created.path();
        channel = created.channel();
        if (replaced != null) {
            Files.setPosixFilePermissions(temp, mode); // exactly the replaced file's, not the umask's
            keepOwner(replaced);
        }
        return channel;
    }

    /**
     * Gives the temporary file the owner and group of the file it replaces, or fails (deleting it)
     * when this process may not: only root gives a file to another user.
     */
    private void keepOwner(PosixFileAttributes replaced) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        PosixFileAttributes made = view.readAttributes();
        try {
            if (!made.owner().equals(replaced.owner())) {
                view.setOwner(replaced.owner());
            }
            if (!made.group().equals(replaced.group())) {
                view.setGroup(replaced.group());
            }
        } catch (IOException e) {
            discard();
            throw new FileSystemException(describe(), null, "it belongs to " + replaced.owner().getName() + ":"
                    + replaced.group().getName() + ", and the pulled file that replaces it cannot be given to them ("
                    + CommandFailure.reason(e) + "); pull as " + replaced.owner().getName()
                    + " or as root, or to another file");
        }
    }

    /** The temporary file, with everything written to {@link #open}'s stream in it, for a catch-up pass to patch. */
    synchronized FileChannel patchable() throws IOException {
        out.flush();
        return channel;
    }

    @Override
    public synchronized void commit() throws IOException {
        if (state != State.WRITING) {
            throw new IOException("the pull was interrupted");
        }
        if (out != null) {
            out.flush();
            syncBehind.awaitSync();
        }
        channel.force(true);
        // Renamed while still open and locked, so that no other pull's clean-up takes it for a dead one's.
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        state = State.REPLACED;
        channel.close();
        syncDirectory();
    }

    /** Deletes the temp file, unless the destination was replaced already; a Ctrl-C waits for a running commit. */
    @Override
    public synchronized void discard() {
        if (state != State.WRITING) {
            return;
        }
        state = State.DISCARDED;
        try {
            if (channel != null) {
                channel.close();
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // best effort: the destination itself was never touched
        }
    }

    @Override
    public String describe() {
        return describe(target, file);
    }

    private static String describe(Path target, Path file) {
        return target.equals(file) ? target.toString() : target + " (which leads to " + file + ")";
    }

    /** What the destination holds now: untouched, or (a Ctrl-C that came during the commit) replaced. */
    @Override
    public synchronized String afterFailure() {
        return state == State.REPLACED ? describe() + " was replaced by the whole, verified snapshot"
                : "nothing was written to " + describe();
    }

    /**
     * A replaced file keeps its permissions, as with cp, but narrowed to the live file's, so that a
     * backup is never readable by more users than the database.
     */
    private Set<PosixFilePermission> narrowed(Set<PosixFilePermission> replaced) {
        Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
        kept.addAll(replaced);
        kept.retainAll(liveMode);
        return kept;
    }

    /** Makes the rename durable; not every platform can open a directory, which is fine. */
    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the rename is done; only its durability across a power cut is at stake
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
