package dev.hotswap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * This command's version, the Maven project version filtered into {@code version.properties} at
 * build time; also picocli's version provider for {@code --version}.
 */
final class Version implements CommandLine.IVersionProvider {
    private static final String VERSION = load();

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String number() {
        return VERSION;
    }

    /** The line {@code hotswap version} prints, e.g. {@code hotswap 0.1.0-SNAPSHOT}. */
    static String line() {
        return "hotswap " + VERSION;
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
