package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Hello;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the admin socket hands out its connection slots, and how it turns clients away. */
@Timeout(30)
class AdminSlotsTest {
    private final EngineFixture fixture = new EngineFixture();
    private Path live;
    private Hotswap hotswap;

    @BeforeEach
    void setUp() throws Exception {
        live = fixture.versioned("production.sqlite3", false, 1, 1);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (hotswap != null) {
            hotswap.close();
        }
        fixture.close();
    }

    @Test
    void aBusyServerHearsTheClientOutBeforeItCloses() throws Exception {
        hotswap = fixture.builder(live).maxConnections(1).build().start();
        try (EngineFixture.Client first = EngineFixture.connect(hotswap.socketPath())) {
            first.hello(); // holds the one slot
            EngineFixture.Client late = EngineFixture.connect(hotswap.socketPath());
            awaitBytes(late.socket.getInputStream(), "the busy answer");
            Thread.sleep(100); // a server that closes right after its answer has closed by now

            late.out.send(new Hello(1).toFrame()); // a broken pipe here turned "busy" into "unreachable"

            assertEquals(new Exit(1, "ERROR: server busy (1 admin connections at once); try again"),
                    Exit.from(late.next()));
            late.close();
        }
    }

    private static void awaitBytes(InputStream in, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (in.available() == 0) {
            assertTrue(System.nanoTime() < deadline, "no " + what + " within 10 s");
            Thread.sleep(5);
        }
    }
}
