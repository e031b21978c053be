package dev.hotswap.protocol;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The frames of a delta transfer's negotiation as streams of values: hashes in {@code HASHES}
 * frames, block numbers in {@code WANT} frames, each list closed by an empty frame of its type, so
 * that a list of the wrong length is caught at once instead of waiting for data that never comes.
 * {@code STATUS} and {@code PHASE} frames in between go to the side channel; {@code EXIT} and
 * {@code ABORT} end the transfer with {@link TransferAbortedException}.
 */
final class DeltaWire {
    /** Hashes per {@code HASHES} frame: 64 KiB of payload. */
    static final int HASHES_PER_FRAME = 4096;
    /** Block numbers per {@code WANT} frame: 64 KiB of payload. */
    static final int WANTS_PER_FRAME = 16384;

    private final FrameReader in;
    private final Consumer<Frame> sideChannel;

    DeltaWire(FrameReader in, Consumer<Frame> sideChannel) {
        this.in = in;
        this.sideChannel = sideChannel;
    }

    /** The type of the next frame that is not a side-channel one, not taken yet. */
    FrameType peek() throws IOException {
        while (true) {
            FrameType type = in.peek();
            if (type == null) {
                throw new TruncatedStreamException("connection closed in the middle of a delta transfer");
            }
            if (type == FrameType.STATUS || type == FrameType.PHASE) {
                sideChannel.accept(in.read());
            } else if (type == FrameType.EXIT) {
                Frame frame = in.read();
                throw new TransferAbortedException(Exit.from(frame).message(), frame);
            } else if (type == FrameType.ABORT) {
                Frame frame = in.read();
                throw new TransferAbortedException("transfer aborted by peer: " + frame.text(), frame);
            } else {
                return type;
            }
        }
    }

    /** The next frame, which must be of {@code type}. */
    Frame expect(FrameType type, String while_) throws IOException {
        FrameType got = peek();
        if (got != type) {
            throw new ProtocolException("expected " + type + " " + while_ + ", got " + got);
        }
        return in.read();
    }

    /** Reads a list of exactly {@code count} hashes into {@code sink}, then its closing empty frame. */
    void readHashes(long count, HashSink sink, String what) throws IOException {
        byte[] hash = new byte[PageDigests.WIRE_BYTES];
        long read = 0;
        while (true) {
            Frame frame = expect(FrameType.HASHES, "(" + what + ")");
            int length = frame.length();
            if (length == 0) {
                break;
            }
            if (length % PageDigests.WIRE_BYTES != 0) {
                throw new ProtocolException("malformed HASHES frame: " + length + " bytes is not a whole number of "
                        + PageDigests.WIRE_BYTES + "-byte hashes");
            }
            int hashes = length / PageDigests.WIRE_BYTES;
            if (read + hashes > count) {
                throw new ProtocolException("hash list too long: more than the " + count + " " + what + " expected");
            }
            byte[] payload = frame.payload();
            for (int i = 0; i < hashes; i++) {
                System.arraycopy(payload, i * PageDigests.WIRE_BYTES, hash, 0, PageDigests.WIRE_BYTES);
                sink.accept(read++, hash);
            }
        }
        if (read != count) {
            throw new ProtocolException("hash list too short: " + read + " of the " + count + " " + what + " expected");
        }
    }

    /** Reads a list of block numbers, ascending, each below {@code blockCount}, and its closing empty frame. */
    long[] readWants(long blockCount) throws IOException {
        long[] wants = new long[16];
        int size = 0;
        long previous = -1;
        while (true) {
            Frame frame = expect(FrameType.WANT, "(blocks wanted)");
            if (frame.length() == 0) {
                return java.util.Arrays.copyOf(wants, size);
            }
            if (frame.length() % 4 != 0) {
                throw new ProtocolException("malformed WANT frame: " + frame.length() + " bytes is not a whole number of u32");
            }
            java.nio.ByteBuffer payload = java.nio.ByteBuffer.wrap(frame.payload());
            while (payload.hasRemaining()) {
                long block = payload.getInt() & 0xffff_ffffL;
                if (block <= previous || block >= blockCount) {
                    throw new ProtocolException("WANT names block " + block + " after block " + previous
                            + " (blocks must ascend, below " + blockCount + ")");
                }
                previous = block;
                if (size == wants.length) {
                    wants = java.util.Arrays.copyOf(wants, size * 2);
                }
                wants[size++] = block;
            }
        }
    }

    /** Receives one hash of a list. */
    @FunctionalInterface
    interface HashSink {
        void accept(long index, byte[] hash) throws IOException;
    }

    /** Writes a list of values as frames of {@code type}, closed by an empty frame. */
    static final class ListWriter {
        private final FrameWriter out;
        private final FrameType type;
        private final byte[] buffer;
        private int filled;

        ListWriter(FrameWriter out, FrameType type, int frameBytes) {
            this.out = out;
            this.type = type;
            this.buffer = new byte[frameBytes];
        }

        static ListWriter hashes(FrameWriter out) {
            return new ListWriter(out, FrameType.HASHES, HASHES_PER_FRAME * PageDigests.WIRE_BYTES);
        }

        static ListWriter wants(FrameWriter out) {
            return new ListWriter(out, FrameType.WANT, WANTS_PER_FRAME * 4);
        }

        void add(byte[] value, int offset, int length) throws IOException {
            if (filled + length > buffer.length) {
                emit();
            }
            System.arraycopy(value, offset, buffer, filled, length);
            filled += length;
        }

        void addU32(long value) throws IOException {
            add(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value}, 0, 4);
        }

        /** Sends what is buffered and the closing empty frame, and flushes. */
        void end() throws IOException {
            emit();
            out.write(type, buffer, 0, 0);
            out.flush();
        }

        private void emit() throws IOException {
            if (filled > 0) {
                out.write(type, buffer, 0, filled);
                filled = 0;
            }
        }
    }
}
