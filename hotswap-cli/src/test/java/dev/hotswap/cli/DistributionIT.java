package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the platform archive and the runnable jar hold, beyond running the commands (which
 * {@link LauncherIT} and {@link EngineLauncherIT} run on every {@link Distribution}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DistributionIT {
    @TempDir
    Path dir;

    @Test
    void theArchiveIsNamedForThisPlatformAndUnpacksToTheImageWithItsModes() throws Exception {
        assertEquals("hotswap-cli-" + Distribution.VERSION + "-" + Distribution.platform() + ".tar.gz",
                Distribution.TARBALL_FILE.getFileName().toString());
        Path unpacked = Distribution.Unpacked.root();
        List<String> differences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Launcher.IMAGE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = unpacked.resolve(Launcher.IMAGE.relativize(file).toString());
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
                if (!Files.isRegularFile(copy)) {
                    differences.add(copy + " is missing");
                } else if (!mode.equals(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)))) {
                    differences.add(copy + " has mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))
                            + ", the image's file " + mode);
                } else if (Files.mismatch(file, copy) != -1) {
                    differences.add(copy + " differs from the image's file");
                }
            }
        }
        assertEquals(List.of(), differences);
        assertTrue(Files.isExecutable(unpacked.resolve("bin/hotswap")));
        assertTrue(Files.isExecutable(unpacked.resolve("lib/jspawnhelper")), "a JVM starts processes through it");
        assertTrue(Files.readString(unpacked.resolve("NOTICE")).contains("picocli"));
        assertTrue(Files.readString(unpacked.resolve("LICENSE")).contains("Apache License"));
        assertTrue(Files.isRegularFile(unpacked.resolve("legal/java.base/LICENSE")), "the runtime's own licence");
    }

    @Test
    void theJarHoldsTheCliTheProtocolAndPicocliWithTheirLicencesAndNoModuleDescriptor() throws IOException {
        try (JarFile jar = new JarFile(Distribution.RUNNABLE_JAR.toFile())) {
            assertEquals("dev.hotswap.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            List<String> names = jar.stream().map(entry -> entry.getName()).toList();
            assertTrue(names.contains("dev/hotswap/cli/Main.class"), "the CLI");
            assertTrue(names.contains("dev/hotswap/protocol/Frame.class"), "the protocol");
            assertTrue(names.contains("picocli/CommandLine.class"), "picocli");
            assertFalse(names.stream().anyMatch(name -> name.endsWith("module-info.class")),
                    "a jar merging three modules must not claim to be one: " + names);
            String notice = new String(jar.getInputStream(jar.getEntry("META-INF/NOTICE")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(notice.contains("picocli") && notice.contains("Apache License"), notice);
            String licence = new String(jar.getInputStream(jar.getEntry("META-INF/LICENSE")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0"), licence);
        }
    }

    @Test
    void theJarOnAJavaWithoutJdkNetRefusesTheSocketWithOneErrorLine() throws Exception {
        // A slim runtime an app's image was linked with may lack jdk.net, which reads the server's
        // credentials; --limit-modules makes this JVM such a runtime.
        try (EngineServer server = EngineServer.start()) {
            Process process = new ProcessBuilder(Distribution.JAVA.toString(), "--limit-modules", "java.base",
                    "-jar", Distribution.RUNNABLE_JAR.toString(), "ls", "--socket", server.socket.toString())
                    .directory(dir.toFile()).start();
            process.getOutputStream().close();
            byte[] stdout = process.getInputStream().readAllBytes();
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the jar did not finish within 30 s");
            assertEquals(3, process.exitValue(), stderr);
            assertArrayEquals(new byte[0], stdout);
            assertEquals("ERROR: this Java runtime lacks the jdk.net module, which tells which user the server runs"
                    + " as; run the jar on a Java runtime that has it (java --list-modules) or use the hotswap image\n",
                    stderr);
        }
    }
}
