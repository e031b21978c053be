package dev.hotswap.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The three forms the CLI ships in, each run as a user runs it: the jlink image's launcher where the
 * build left it, the same image unpacked with {@code tar} from its platform archive, and the
 * runnable jar on this JVM's {@code java -jar}. The end-to-end tests run the whole suite on the
 * image and a representative subset on the other two.
 */
enum Distribution {
    /** {@code target/hotswap/bin/hotswap}. */
    IMAGE {
        @Override
        List<String> command() {
            return List.of(Launcher.IMAGE.resolve("bin/hotswap").toString());
        }
    },
    /** {@code hotswap-VERSION/bin/hotswap} from {@code hotswap-cli-VERSION-OS-ARCH.tar.gz}, unpacked once per run. */
    TARBALL {
        @Override
        List<String> command() {
            return List.of(Unpacked.root().resolve("bin/hotswap").toString());
        }
    },
    /** {@code java -jar hotswap-cli-VERSION.jar}, on the Java runtime running the tests (17, the least the jar needs). */
    JAR {
        @Override
        List<String> command() {
            return List.of(JAVA.toString(), "-jar", RUNNABLE_JAR.toString());
        }
    };

    static final String VERSION = System.getProperty("project.version");
    static final Path TARBALL_FILE = Path.of(System.getProperty("hotswap.tarball",
            "target/hotswap-cli-" + VERSION + "-" + platform() + ".tar.gz"));
    static final Path RUNNABLE_JAR = Path.of(System.getProperty("hotswap.jar", "target/hotswap-cli-" + VERSION + ".jar"));
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    /** The program and its leading arguments, to which the command's own arguments are added. */
    abstract List<String> command();

    /**
     * This machine's platform in the names users expect of a download: {@code linux-x86_64},
     * {@code darwin-aarch64}. The test's own mapping of the JVM's {@code os.name} and
     * {@code os.arch}, to check the name the build gave the archive.
     */
    static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "darwin"
                : os.startsWith("windows") ? "windows" : os;
        String archName = arch.equals("amd64") ? "x86_64" : arch;
        return osName + "-" + archName;
    }

    /** The archive unpacked by {@code tar}, as a user would, into a fresh folder beside it. */
    static final class Unpacked {
        private static Path root;

        private Unpacked() {
        }

        /** {@code hotswap-VERSION/} of the unpacked archive; unpacks it at the first call of the run. */
        static synchronized Path root() {
            if (root == null) {
                root = unpack();
            }
            return root;
        }

        private static Path unpack() {
            try {
                Path into = TARBALL_FILE.toAbsolutePath().resolveSibling("unpacked-tarball");
                delete(into);
                Files.createDirectories(into);
                Process tar = new ProcessBuilder("tar", "-xzf", TARBALL_FILE.toAbsolutePath().toString(),
                        "-C", into.toString()).redirectErrorStream(true).start();
                String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                    tar.destroyForcibly();
                    throw new IllegalStateException("tar -xzf " + TARBALL_FILE + " failed: " + output);
                }
                return into.resolve("hotswap-" + VERSION);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while unpacking " + TARBALL_FILE, e);
            }
        }

        private static void delete(Path tree) throws IOException {
            if (!Files.exists(tree)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(tree)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
