package dev.hotswap.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The small binary encoding inside payloads: big-endian integers and strings as a u32 byte length
 * followed by strict UTF-8. Decoding never trusts a length beyond the bytes actually present.
 */
final class Payload {
    private Payload() {
    }

    /** Builds a payload. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Writer u8(int value) {
            bytes.write(value);
            return this;
        }

        Writer u16(int value) {
            bytes.write(value >>> 8);
            bytes.write(value);
            return this;
        }

        Writer u32(int value) {
            u16(value >>> 16);
            return u16(value);
        }

        Writer u64(long value) {
            u32((int) (value >>> 32));
            return u32((int) value);
        }

        Writer raw(byte[] value) {
            bytes.writeBytes(value);
            return this;
        }

        Writer string(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            u32(utf8.length);
            return raw(utf8);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    /** Reads a payload; every malformation is a {@link ProtocolException} naming the frame type. */
    static final class Reader {
        private final ByteBuffer buffer;
        private final FrameType type;

        Reader(Frame frame) {
            this.buffer = ByteBuffer.wrap(frame.payload());
            this.type = frame.type();
        }

        int u8() throws ProtocolException {
            return get(1).get() & 0xff;
        }

        int u16() throws ProtocolException {
            return get(2).getShort() & 0xffff;
        }

        long u32() throws ProtocolException {
            return get(4).getInt() & 0xffffffffL;
        }

        long u64() throws ProtocolException {
            return get(8).getLong();
        }

        String string() throws ProtocolException {
            long length = u32();
            if (length > buffer.remaining()) {
                throw malformed("string length " + length + " exceeds the " + buffer.remaining()
                        + " bytes left");
            }
            byte[] utf8 = new byte[(int) length];
            buffer.get(utf8);
            return utf8(utf8);
        }

        /** The rest of the payload as UTF-8. */
        String rest() throws ProtocolException {
            byte[] utf8 = new byte[buffer.remaining()];
            buffer.get(utf8);
            return utf8(utf8);
        }

        /** Whether bytes are left: an optional trailing field is present. */
        boolean hasRemaining() {
            return buffer.hasRemaining();
        }

        /** Refuses trailing bytes, so that each payload has exactly one encoding. */
        void end() throws ProtocolException {
            if (buffer.hasRemaining()) {
                throw malformed(buffer.remaining() + " unexpected trailing bytes");
            }
        }

        private ByteBuffer get(int n) throws ProtocolException {
            if (buffer.remaining() < n) {
                throw malformed("payload ends early");
            }
            return buffer;
        }

        private String utf8(byte[] bytes) throws ProtocolException {
            try {
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes));
                return chars.toString();
            } catch (CharacterCodingException | BufferUnderflowException e) {
                throw malformed("invalid UTF-8");
            }
        }

        private ProtocolException malformed(String what) {
            return new ProtocolException("malformed " + type + " frame: " + what);
        }
    }
}
