package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/** Gives a new generation the current file's mode bits, and its owner and group where allowed. */
final class Permissions {
    private static final System.Logger LOG = System.getLogger(Permissions.class.getName());

    private Permissions() {
    }

    /** Copies what it can from {@code source} to {@code target}; a failure is logged, not thrown. */
    static void copy(String database, Path source, Path target) {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            PosixFileAttributes wanted = Files.readAttributes(source, PosixFileAttributes.class);
            view.setPermissions(wanted.permissions());
            PosixFileAttributes current = view.readAttributes();
            if (!current.group().equals(wanted.group())) {
                view.setGroup(wanted.group());
            }
            if (!current.owner().equals(wanted.owner())) {
                view.setOwner(wanted.owner());
            }
        } catch (IOException | SecurityException e) {
            LOG.log(System.Logger.Level.WARNING, database + ": could not copy owner and mode of " + source, e);
        }
    }
}
