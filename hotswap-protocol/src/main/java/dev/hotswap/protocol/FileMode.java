package dev.hotswap.protocol;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Permission bits as the wire carries them (a {@code READY}'s mode) and as Java's file API sees
 * them: {@code 0640} is {@code rw-r-----}.
 */
public final class FileMode {
    private FileMode() {
    }

    /** The bits of {@code permissions}: {@code rw-r-----} is {@code 0640}. */
    public static int bits(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission permission : permissions) {
            bits |= bit(permission);
        }
        return bits;
    }

    /** The permissions of {@code bits} (only the low nine count): {@code 0640} is {@code rw-r-----}. */
    public static Set<PosixFilePermission> permissions(int bits) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : PosixFilePermission.values()) {
            if ((bits & bit(permission)) != 0) {
                permissions.add(permission);
            }
        }
        return permissions;
    }

    /** {@code 0640}, for messages. */
    public static String octal(Set<PosixFilePermission> permissions) {
        return String.format("%04o", bits(permissions));
    }

    /** OWNER_READ is 0400 and each later constant the next lower bit, down to OTHERS_EXECUTE, 0001. */
    private static int bit(PosixFilePermission permission) {
        return 0400 >> permission.ordinal();
    }
}
