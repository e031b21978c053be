package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class ValuesTest {

    /** Any Unicode text without lone surrogates, including astral characters. */
    static Gen<String> text(int maxLength) {
        return strings().betweenCodePoints(0, 0xD7FF).ofLengthBetween(0, maxLength)
                .mix(strings().betweenCodePoints(0x1F300, 0x1F64F).ofLengthBetween(0, maxLength / 2));
    }

    @Test
    void requestsRoundTrip() {
        Gen<Map<String, String>> options = lists().of(text(12)).ofSizeBetween(0, 5).zip(text(20), (keys, value) -> {
            Map<String, String> map = new HashMap<>();
            keys.forEach(key -> map.put(key, value));
            return map;
        });
        qt().forAll(text(20), lists().of(text(200)).ofSizeBetween(0, 6), options).checkAssert((command, args, opts) -> {
            Request request = new Request(command, args, opts);
            assertEquals(request, decode(() -> Request.from(request.toFrame())));
        });
    }

    @Test
    void endsReadyAndExitsRoundTrip() {
        qt().forAll(longs().between(0, Long.MAX_VALUE), integers().all()).checkAssert((count, crc) ->
                assertEquals(new End(count, crc), decode(() -> End.from(new End(count, crc).toFrame()))));
        qt().forAll(Generate.enumValues(Ready.Direction.class), text(40)).checkAssert((direction, name) ->
                assertEquals(new Ready(direction, name), decode(() -> Ready.from(new Ready(direction, name).toFrame()))));
        qt().forAll(Generate.enumValues(Ready.Direction.class), text(40), integers().between(0, Ready.MAX_MODE))
                .checkAssert((direction, name, mode) -> {
                    Ready ready = new Ready(direction, name, OptionalInt.of(mode));
                    assertEquals(ready, decode(() -> Ready.from(ready.toFrame())));
                });
        qt().forAll(integers().between(0, 255), text(300)).checkAssert((code, message) ->
                assertEquals(new Exit(code, message), decode(() -> Exit.from(new Exit(code, message).toFrame()))));
    }

    @Test
    void refusesAStringLongerThanItsFrame() {
        byte[] payload = {0, 0, 0, 9, 'l', 's'};
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> Request.from(new Frame(FrameType.REQUEST, payload)));
        assertEquals("malformed REQUEST frame: string length 9 exceeds the 2 bytes left", refused.getMessage());
    }

    @Test
    void refusesInvalidUtf8AndTrailingBytes() {
        byte[] invalid = {0, 0, 0, 1, (byte) 0xc3, 0, 0, 0, 0};
        assertThrows(ProtocolException.class, () -> Request.from(new Frame(FrameType.REQUEST, invalid)));
        byte[] trailing = new Payload.Writer().string("ls").u16(0).u16(0).u8(42).toByteArray();
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> Request.from(new Frame(FrameType.REQUEST, trailing)));
        assertEquals("malformed REQUEST frame: 1 unexpected trailing bytes", refused.getMessage());
    }

    @Test
    void refusesAReadyModeWiderThanPermissionBits() {
        byte[] setuid = new Payload.Writer().u8('O').string("production").u16(04755).toByteArray();
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> Ready.from(new Frame(FrameType.READY, setuid)));
        assertEquals("malformed READY frame: mode 4755 exceeds 777", refused.getMessage());
    }

    @Test
    void refusesDuplicateOptions() {
        byte[] payload = new Payload.Writer().string("cp").u16(0).u16(2)
                .string("skip-schema-check").string("true").string("skip-schema-check").string("true").toByteArray();
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> Request.from(new Frame(FrameType.REQUEST, payload)));
        assertEquals("malformed REQUEST frame: duplicate option skip-schema-check", refused.getMessage());
    }

    @Test
    void requestFlagsAreOptionsSetToTrue() {
        Request request = new Request("cp", List.of("-", "production"), Map.of("skip-schema-check", "true"));
        assertTrue(request.flag("skip-schema-check"));
        assertEquals(false, request.flag("skip-integrity-check"));
    }

    @Test
    void cutsAnOverlongExitMessageAtACharacterBoundary() throws ProtocolException {
        String message = "ERROR: " + "é".repeat(Protocol.MAX_PAYLOAD);
        Exit decoded = Exit.from(new Exit(1, message).toFrame());
        assertTrue(message.startsWith(decoded.message()));
        assertTrue(decoded.message().getBytes(StandardCharsets.UTF_8).length <= Protocol.MAX_PAYLOAD - 1);
    }

    interface Decoder<T> {
        T decode() throws ProtocolException;
    }

    static <T> T decode(Decoder<T> decoder) {
        try {
            return decoder.decode();
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
