package dev.hotswap.cli;

import dev.hotswap.protocol.SocketFolder;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The users the CLI accepts as the hotswap server: its own user, root, and the user named in
 * {@value #VARIABLE} (a name or a numeric uid), for an app that runs as another user than the
 * operator. The socket's folder must belong to one of them and be writable by no one else
 * ({@link SocketFolder}), and the process that accepted the connection must run as one of them
 * (its peer credentials, {@code SO_PEERCRED}), so that nobody who got at the socket's path can
 * receive a push or feed a pull.
 */
final class TrustedUsers {
    static final String VARIABLE = "HOTSWAP_SERVER_USER";

    private final UserPrincipal named;
    private final Set<UserPrincipal> users = new LinkedHashSet<>();

    private TrustedUsers(UserPrincipal self, UserPrincipal root, UserPrincipal named) {
        this.named = named;
        users.add(self);
        users.add(root);
        if (named != null) {
            users.add(named);
        }
    }

    /**
     * This process's user, root, and {@value #VARIABLE} if set.
     *
     * @throws CommandFailure exit 2 if {@value #VARIABLE} names no user; exit 1 if this process's
     *     own user cannot be told; exit 3 if this Java runtime cannot tell which user a server runs
     *     as: the runnable jar on a runtime linked without {@code jdk.net} (an app's slim image;
     *     the CLI's own image always has it, since its module requires it)
     */
    static TrustedUsers from(Environment environment) throws CommandFailure {
        if (ModuleLayer.boot().findModule("jdk.net").isEmpty()) {
            throw CommandFailure.unreachable("this Java runtime lacks the jdk.net module, which tells which user the"
                    + " server runs as; run the jar on a Java runtime that has it (java --list-modules) or use the"
                    + " hotswap image");
        }
        String name = environment.variables().get(VARIABLE);
        try {
            UserPrincipal named = name == null || name.isEmpty() ? null : lookup(name);
            return new TrustedUsers(SocketFolder.currentUser(), lookup("0"), named);
        } catch (UserPrincipalNotFoundException e) {
            throw new CommandFailure(2, VARIABLE + " names no user: " + name);
        } catch (IOException e) {
            throw CommandFailure.failed("cannot tell which users to trust as the server: " + CommandFailure.reason(e));
        }
    }

    /** Fails with exit code 3 unless {@code socket}'s folder is private to a trusted user. */
    void requirePrivateFolder(Path socket) throws CommandFailure {
        try {
            SocketFolder.requireTrusted(socket.getParent(), users);
        } catch (IOException e) {
            throw refused(socket, CommandFailure.reason(e));
        }
    }

    /**
     * Fails with exit code 3 unless {@code pointer} (a database's pointer to its socket) could have
     * been written by a trusted user only: its folder as private as a socket's, the file itself a
     * regular file (no link) owned by a trusted user and writable by no one else.
     */
    void requirePrivatePointer(Path pointer) throws CommandFailure {
        try {
            SocketFolder.requireTrusted(pointer.getParent(), users);
            PosixFileAttributes attributes = Files.readAttributes(pointer, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> mode = attributes.permissions();
            if (!attributes.isRegularFile()) {
                throw SocketPointer.refused(pointer, "it is not a regular file");
            }
            if (!users.contains(attributes.owner()) || mode.contains(PosixFilePermission.GROUP_WRITE)
                    || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw SocketPointer.refused(pointer, "mode " + PosixFilePermissions.toString(mode) + ", owner "
                        + attributes.owner().getName() + ": only a trusted user may write it (chmod 644 " + pointer + ")");
            }
        } catch (IOException e) {
            throw SocketPointer.refused(pointer, CommandFailure.reason(e));
        }
    }

    /** Fails with exit code 3 unless the process on the other end of {@code channel} runs as a trusted user. */
    void requireTrustedPeer(SocketChannel channel, Path socket) throws CommandFailure {
        UnixDomainPrincipal peer;
        try {
            peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            throw refused(socket, "cannot read the server's credentials: " + e);
        }
        if (!users.contains(peer.user())) {
            String name = peer.user().getName();
            List<String> names = new ArrayList<>();
            users.forEach(user -> names.add(user.getName()));
            throw refused(socket, "the server runs as " + name + ", and this command trusts only "
                    + String.join(" or ", names) + (named != null ? ""
                            : "; if " + name + " is the app's user, set " + VARIABLE + "=" + name));
        }
    }

    private static CommandFailure refused(Path socket, String reason) {
        return CommandFailure.unreachable("refusing the hotswap socket " + socket + ": " + reason);
    }

    private static UserPrincipal lookup(String name) throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
    }
}
