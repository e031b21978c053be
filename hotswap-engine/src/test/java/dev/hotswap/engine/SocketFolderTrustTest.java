package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;

import dev.hotswap.protocol.Exit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server trusts an existing socket folder only if it owns it and nobody else may write into
 * it: anyone who can write there could replace the socket and receive the next push.
 */
@Timeout(30)
class SocketFolderTrustTest {
    private final EngineFixture fixture = new EngineFixture();
    private Path live;
    private Path folder;

    @BeforeEach
    void setUp() throws Exception {
        live = fixture.versioned("production.sqlite3", false, 1, 1);
        folder = fixture.socket().getParent();
    }

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @Test
    void refusesAFolderOthersMayWriteInto() throws Exception {
        Files.createDirectory(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        UserPrincipal me = Files.getOwner(folder);

        IOException refused = assertThrows(IOException.class, () -> fixture.builder(live).build().start());

        assertEquals("socket folder " + folder + " (mode 0777, owner " + me.getName() + ") is not private:"
                + " group or others may write into it, so anyone who can write there could replace the socket."
                + " Make it owned by " + me.getName() + " and mode 0700 (chmod 700 " + folder
                + "), or use another socket path", refused.getMessage());
        assertEquals(List.of(), EngineFixture.files(folder), "nothing bound there");
    }

    @Test
    void refusesAGroupWritableFolder() throws Exception {
        Files.createDirectory(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwx---"));

        IOException refused = assertThrows(IOException.class, () -> fixture.builder(live).build().start());

        assertEquals(true, refused.getMessage().contains("(mode 0770, owner "), refused.getMessage());
    }

    @Test
    void refusesAFolderOwnedBySomeoneElse() throws Exception {
        Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        UserPrincipal me = Files.getOwner(folder);
        UserPrincipal nobody;
        try {
            nobody = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(folder, nobody);
        } catch (IOException e) {
            assumeTrue(false, "needs a user nobody and the right to chown to it (root): " + e);
            return;
        }

        IOException refused = assertThrows(IOException.class, () -> fixture.builder(live).build().start());

        assertEquals(true, refused.getMessage().startsWith("socket folder " + folder + " (mode 0700, owner nobody)"
                + " is not private: it is not owned by " + me.getName() + ", so "), refused.getMessage());
    }

    @Test
    void servesFromAFolderOthersMayOnlyEnter() throws Exception {
        Files.createDirectory(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx--x--x"));

        try (Hotswap hotswap = fixture.builder(live).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello().request("version")) {
            client.data();
            assertEquals(new Exit(0, ""), client.exit());
        }
    }
}
