package dev.hotswap.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A directory the benchmarks work in and delete afterwards, links and hidden folders included. */
final class TempDirectory {
    private TempDirectory() {
    }

    /** A new directory under the system's temp directory, named {@code hotswap-bench-<random>}. */
    static Path create() throws IOException {
        return Files.createTempDirectory("hotswap-bench-");
    }

    /** Deletes {@code root} and everything under it; symbolic links are deleted, never followed. */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
