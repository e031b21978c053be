package dev.hotswap.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A path or database name on the command line (a side of {@code hotswap cp SRC DST}, the database
 * of {@code hotswap rollback}), as the user typed it, as this process will read or write it, and as
 * it is sent to the server.
 *
 * <p>The server matches such an argument against its managed databases by absolute path or by
 * name, so the CLI sends: {@code -} as is; a bare word (no {@code /}) that names no file in the working
 * directory as is, so that the server can match it as a database name; anything else as an
 * absolute path, resolved against the working directory and normalized but not canonicalized
 * (symbolic links stay, as in the path the app was configured with). The file this process reads
 * or writes is the argument resolved against the working directory, with any {@code ..} left for
 * the kernel to resolve through symbolic links, as for any other command.
 *
 * @param given the argument as typed
 * <p>A remote side ({@code HOST:PATH}, see {@link RemotePath}) has no local path; its wire form is
 * the path as the remote server matches it. A local side of a remote copy is sent as
 * {@code local:} and its absolute path, which names no database on any server, so that the server
 * never takes this host's file for one of its own databases.
 *
 * @param local the absolute path this process reads or writes, or {@code null} for {@code -} and
 *        a remote side
 * @param wire the argument sent to the server
 */
record PathArgument(String given, Path local, String wire) {
    static final String STDIO = "-";

    /** Interprets {@code argument} relative to {@code workingDirectory}. */
    static PathArgument of(String argument, Path workingDirectory) {
        if (argument.equals(STDIO)) {
            return new PathArgument(argument, null, argument);
        }
        // The kernel resolves the local path, so that "link/.." means what it means to the shell;
        // the server gets it normalized, to compare with the paths the app was configured with.
        Path local = workingDirectory.resolve(argument);
        if (!hasParentStep(local)) {
            local = local.normalize(); // only drops "." steps: the same file, a tidier message
        }
        boolean bareName = argument.indexOf('/') < 0 && !Files.exists(local, LinkOption.NOFOLLOW_LINKS);
        return new PathArgument(argument, local, bareName ? argument : local.normalize().toString());
    }

    /** A remote side, sent as {@code wire}. */
    static PathArgument remote(RemotePath remote) {
        return new PathArgument(remote.toString(), null, remote.wire());
    }

    /** This local side as a remote copy sends it: {@code -}, or {@code local:} and its absolute path. */
    PathArgument besideRemote() {
        return isStdio() ? this : new PathArgument(given, local, "local:" + local.normalize());
    }

    private static boolean hasParentStep(Path path) {
        for (Path name : path) {
            if (name.toString().equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Whether this side is stdin (as SRC) or stdout (as DST). */
    boolean isStdio() {
        return local == null && given.equals(STDIO);
    }

    /** Whether this side is on another host ({@code HOST:PATH}). */
    boolean isRemote() {
        return local == null && !given.equals(STDIO);
    }
}
