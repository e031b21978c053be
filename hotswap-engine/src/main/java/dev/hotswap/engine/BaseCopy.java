package dev.hotswap.engine;

import java.nio.file.attribute.FileTime;

/**
 * What a delta push's base copy is a copy of: generation {@code generation}, and, when the copy is
 * byte for byte that generation's file as the file stood at {@code stamp}, that stamp (else null:
 * the file changed during the copy, changed too recently to tell, or the copy went through SQLite's
 * backup API, whose pages are not the file's bytes).
 */
record BaseCopy(long generation, FileStamp stamp) {

    /**
     * {@code before} if the file's stamps around a copy are equal and {@code before} is not racy as
     * of {@code now}, a file system time taken before both; else null (also when any is unknown).
     */
    static FileStamp stable(FileStamp before, FileStamp after, FileTime now) {
        return before != null && now != null && before.equals(after) && !before.racy(now) ? before : null;
    }
}
