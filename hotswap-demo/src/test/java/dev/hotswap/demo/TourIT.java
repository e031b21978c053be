package dev.hotswap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The README's quick start: {@code bin/hotswap-demo --tour} tells the whole story (generations, a
 * push under load, a rollback, two refusals) and ends OK.
 */
class TourIT {

    /** On Undertow, and on Micronaut, whose requests hop between the event loop and executors. */
    @ParameterizedTest
    @EnumSource(value = Server.class, names = {"UNDERTOW", "MICRONAUT"})
    @Timeout(120)
    void tourSwapsUnderLoadRollsBackAndShowsBothRefusals(Server server) throws Exception {
        Process tour = new ProcessBuilder(DemoProcess.ROOT.resolve("bin/hotswap-demo").toString(), "--tour",
                "--server", server.option()).redirectErrorStream(true).start();
        String output = new String(tour.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tour.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, tour.exitValue(), output);
        assertTrue(output.contains("  OK\n  (exit 0)"), output);
        assertTrue(output.contains("\n  generation 2 is live (was 1)\n"), output);
        assertTrue(output.matches("(?s).*\n  production  2    current  .*\n  production  1    kept     .*"), output);
        assertTrue(output.contains("\n  generation 1 is live (was 2)\n"), output);
        assertTrue(output.contains("(reads see the \"v1-...\" rows again;"), output);
        assertTrue(output.contains("ERROR: not a SQLite database"), output);
        assertTrue(output.contains("ERROR: schema mismatch"), output);
        assertTrue(output.matches("(?s).*requests served: \\d+, failed: 0;.*mixed: 0\n.*"), output);
        assertFalse(output.contains("expected"), "every command exited as it should:\n" + output);
        assertTrue(output.endsWith("tour OK\n"), output);
    }
}
