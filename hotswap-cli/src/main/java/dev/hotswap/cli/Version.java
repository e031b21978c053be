package dev.hotswap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Properties;
import picocli.CommandLine;

/**
 * This command's version, the Maven project version filtered into {@code version.properties} at
 * build time; also picocli's version provider for {@code --version}.
 */
final class Version implements CommandLine.IVersionProvider {
    private static final String VERSION = load();
    private static final String RUNTIME = runtime();

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String number() {
        return VERSION;
    }

    /**
     * The line {@code hotswap version} prints: {@code hotswap 0.1.0-SNAPSHOT} from the image, and
     * from the runnable jar also the jar and the Java it runs on,
     * {@code hotswap 0.1.0-SNAPSHOT (hotswap-cli-0.1.0-SNAPSHOT.jar, Java 21.0.5)}.
     */
    static String line() {
        return "hotswap " + VERSION + RUNTIME;
    }

    /**
     * Nothing where the CLI runs as its module (the image, which brings its own Java); on the class
     * path (the runnable jar on whatever Java the host has), the jar's file name and that Java's
     * version, which is what tells two installations apart.
     */
    private static String runtime() {
        if (Version.class.getModule().isNamed()) {
            return "";
        }
        return " (" + codeSource() + ", Java " + System.getProperty("java.version") + ")";
    }

    private static String codeSource() {
        CodeSource source = Version.class.getProtectionDomain().getCodeSource();
        try {
            Path location = source == null ? null : Path.of(source.getLocation().toURI()).getFileName();
            return location == null ? "class path" : location.toString();
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return "class path";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from dev.hotswap.cli");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
