package dev.hotswap.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The engine's pointer to its socket, in the generation folder of each database it manages
 * ({@code db/.hotswap/production.sqlite3/socket}, holding the socket's absolute path), through which
 * {@code hotswap cp new.sqlite3 /app/db/production.sqlite3} finds the server from any working
 * directory. The folder is found as the engine finds it: the live path is a link to a generation
 * ({@code .hotswap/<name>/000042.sqlite3}), whose folder holds the pointer; a regular file not yet
 * adopted has its folder beside it. A pointer is followed only if no one but a trusted user could
 * have written it ({@link TrustedUsers#requirePrivatePointer}): whoever could would choose the
 * socket that receives the push.
 */
final class SocketPointer {
    private static final String DIRECTORY = ".hotswap";
    private static final String NAME = "socket";
    private static final Pattern GENERATION = Pattern.compile("\\d{6,}\\.sqlite3");
    private static final long MAX_BYTES = 4096;

    private SocketPointer() {
    }

    /**
     * The socket named by the pointer of the database at {@code database}, if it is a file with one.
     *
     * @throws CommandFailure exit 3 if the pointer exists but is not to be trusted or not readable
     */
    static Optional<Path> find(Path database, TrustedUsers trusted) throws CommandFailure {
        Path file;
        try {
            file = database.toRealPath();
        } catch (IOException e) {
            return Optional.empty(); // no such file: not a database at all, let alone a managed one
        }
        Path parent = file.getParent();
        if (!Files.isRegularFile(file) || parent == null) {
            return Optional.empty();
        }
        boolean generation = GENERATION.matcher(file.getFileName().toString()).matches()
                && parent.getParent() != null && DIRECTORY.equals(String.valueOf(parent.getParent().getFileName()));
        Path folder = generation ? parent : parent.resolve(DIRECTORY).resolve(file.getFileName().toString());
        Path pointer = folder.resolve(NAME);
        if (!Files.exists(pointer, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        trusted.requirePrivatePointer(pointer);
        try {
            if (Files.size(pointer) > MAX_BYTES) {
                throw refused(pointer, "it is larger than a socket path");
            }
            String target = new String(Files.readAllBytes(pointer), StandardCharsets.UTF_8).strip();
            Path socket = Path.of(target);
            if (target.isEmpty() || !socket.isAbsolute()) {
                throw refused(pointer, "it holds no absolute path");
            }
            return Optional.of(socket);
        } catch (IOException e) {
            throw refused(pointer, CommandFailure.reason(e));
        } catch (InvalidPathException e) {
            throw refused(pointer, "it holds no valid path");
        }
    }

    static CommandFailure refused(Path pointer, String reason) {
        return CommandFailure.unreachable("refusing the socket pointer " + pointer + ": " + reason
                + " (name the socket with --socket PATH instead)");
    }
}
