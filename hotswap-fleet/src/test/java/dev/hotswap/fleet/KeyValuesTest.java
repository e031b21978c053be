package dev.hotswap.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class KeyValuesTest {

    /** Any text without lone surrogates (which UTF-8 cannot carry): control characters, '=', '#', '\\', spaces. */
    @Test
    void anyValueReadsBackAsWritten() {
        qt().forAll(strings().betweenCodePoints(0, 0xD7FF).ofLengthBetween(0, 200)).checkAssert(value -> {
            byte[] text = KeyValues.create("test").put("value", value).toBytes();
            try {
                assertEquals(value, KeyValues.parse("test", text).optional("value"));
            } catch (FleetException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void refusalWithASchemaDiffStaysOneEntryPerLine() throws FleetException {
        Answer refused = Answer.refused("c", "ERROR: schema mismatch\n- CREATE TABLE a(x)\n+ CREATE TABLE a(x, y)");

        String text = new String(refused.toBytes(), StandardCharsets.UTF_8);

        assertEquals(List.of("node", "answer", "message", "at"), text.lines().map(l -> l.split("=", 2)[0]).toList());
        assertEquals(refused, Answer.parse("answer", refused.toBytes()));
    }

    @Test
    void manifestReadsBackAsWritten() throws FleetException {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        Manifest manifest = new Manifest("000042", "production", RolloutResult.Kind.PUSH, "ci", "n", now,
                now.plusSeconds(300), List.of("web-1", "web-2"), "000041", 8192, "ab", 4096, null);

        assertEquals(manifest, Manifest.parse("manifest", manifest.toBytes()));
    }

    @Test
    void malformedObjectNamesItsKeyAndTheMissingField() {
        FleetException e = assertThrows(FleetException.class, () -> Head.parse("hotswap/databases/production/head",
                "committed=000001\n".getBytes(StandardCharsets.UTF_8)));

        assertEquals(FleetException.Reason.INVALID, e.reason());
        assertEquals("ERROR: malformed fleet object hotswap/databases/production/head: no latest", e.getMessage());
    }
}
