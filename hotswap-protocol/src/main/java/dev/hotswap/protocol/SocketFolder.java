package dev.hotswap.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The rule both peers apply to the folder that holds the admin socket. Whoever can write into that
 * folder can delete the socket and bind their own in its place, and would then receive the next
 * push or feed the next pull; so the folder must be owned by a trusted user and writable by no one
 * else. The server trusts only itself; the client trusts the users it accepts as a server.
 *
 * <p>Only the folder itself is checked (symbolic links followed): whoever can rename one of its
 * ancestors can replace it too, so keep the socket under directories that only trusted users can
 * write ({@code docs/SECURITY.md}).
 */
public final class SocketFolder {
    private SocketFolder() {
    }

    /**
     * Fails unless {@code folder} is a directory owned by one of {@code owners} that neither its
     * group nor others may write.
     *
     * @param owners the users the folder may belong to, by name for the message
     * @throws IOException naming the folder, its mode and owner, and the rule it breaks
     */
    public static void requireTrusted(Path folder, Collection<? extends UserPrincipal> owners) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(folder, PosixFileAttributes.class);
        if (!attributes.isDirectory()) {
            throw new IOException("socket folder " + folder + " is not a directory");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        List<String> problems = new ArrayList<>();
        if (!owners.contains(attributes.owner())) {
            problems.add("it is not owned by " + names(owners));
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            problems.add("group or others may write into it");
        }
        if (!problems.isEmpty()) {
            throw new IOException("socket folder " + folder + " (mode " + FileMode.octal(mode) + ", owner "
                    + attributes.owner().getName() + ") is not private: " + String.join(" and ", problems)
                    + ", so anyone who can write there could replace the socket. Make it owned by "
                    + names(owners) + " and mode 0700 (chmod 700 " + folder + "), or use another socket path");
        }
    }

    /**
     * The user this process runs as: the owner of {@code /proc/self} on Linux, else the user name
     * the JDK reports for this process.
     *
     * @throws IOException if neither is known
     */
    public static UserPrincipal currentUser() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.isDirectory(self)) {
            // /proc/self leads to /proc/PID, which belongs to the process's effective user.
            return Files.getOwner(self);
        }
        String name = ProcessHandle.current().info().user()
                .orElseThrow(() -> new IOException("cannot tell which user this process runs as"));
        return self.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
    }

    private static String names(Collection<? extends UserPrincipal> owners) {
        Set<String> names = new java.util.LinkedHashSet<>();
        owners.forEach(owner -> names.add(owner.getName()));
        return String.join(" or ", names);
    }
}
