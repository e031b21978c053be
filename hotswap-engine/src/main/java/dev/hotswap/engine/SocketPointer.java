package dev.hotswap.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The file {@value #NAME} in a database's generation folder that holds the absolute path of the
 * admin socket of the engine managing it, so that {@code hotswap cp new.sqlite3 /app/db/production.sqlite3}
 * finds the server from any working directory. Written at start (a temp file renamed over it, mode
 * 0644 whatever the umask: the CLI refuses a pointer that others could have written), removed at
 * close. Only the engine holding the folder's lock writes it. A pointer is a convenience: failing to
 * write or remove one is logged, and the CLI checks a pointer it follows as it checks the socket.
 */
final class SocketPointer {
    /** The pointer's file name in the generation folder. */
    static final String NAME = "socket";
    private static final System.Logger LOG = System.getLogger(SocketPointer.class.getName());

    private SocketPointer() {
    }

    /** Points {@code folder}'s pointer at {@code socket}, replacing any left by a crash. */
    static void write(Path folder, Path socket) {
        Path temp = folder.resolve(NAME + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--")); // whatever the umask
            Files.writeString(temp, socket.toAbsolutePath().normalize() + "\n", StandardCharsets.UTF_8);
            Files.move(temp, folder.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.WARNING, "could not point " + folder.resolve(NAME) + " at the socket " + socket
                    + "; the CLI needs --socket to find this server from elsewhere", e);
        }
    }

    /** Removes {@code folder}'s pointer, if any: the socket it named is gone or going. */
    static void remove(Path folder) {
        try {
            Files.deleteIfExists(folder.resolve(NAME));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove the socket pointer " + folder.resolve(NAME), e);
        }
    }
}
