package dev.hotswap.engine;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The managed database a client's argument names: by name, or by absolute path (the configured
 * path, the same path through its directory's real path, or the current generation's file). Client
 * paths are only compared, never opened.
 */
final class DatabaseArgument {
    private DatabaseArgument() {
    }

    /** The database {@code argument} names, or null if it names none of {@code databases}. */
    static ManagedDatabase match(List<ManagedDatabase> databases, String argument) {
        Path path = null;
        if (argument.startsWith("/")) {
            try {
                path = Path.of(argument).normalize();
            } catch (InvalidPathException e) {
                return null;
            }
        }
        for (ManagedDatabase db : databases) {
            if (argument.equals(db.name()) || db.path().equals(path)) {
                return db;
            }
        }
        if (path != null) {
            for (ManagedDatabase db : databases) {
                if (db.isNamedBy(path)) {
                    return db;
                }
            }
        }
        return null;
    }
}
