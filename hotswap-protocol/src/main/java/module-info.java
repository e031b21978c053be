/**
 * The hotswap wire protocol: framed, checksummed, versioned, and free of dependencies beyond
 * {@code java.base}, so that a client in any language can be written from {@code docs/protocol.md}.
 *
 * <p>A conversation is a sequence of {@link dev.hotswap.protocol.Frame frames}: one type byte, a
 * four-byte big-endian payload length, and the payload. {@link dev.hotswap.protocol.FrameReader}
 * refuses oversize lengths before allocating; {@link dev.hotswap.protocol.FrameWriter} writes frames.
 * Bulk data travels as data frames closed by an {@code END} frame that carries the byte count and a
 * CRC32C; {@link dev.hotswap.protocol.DataFrameOutputStream} and
 * {@link dev.hotswap.protocol.DataFrameInputStream} turn such a stream into plain Java streams, and a
 * stream that stops before {@code END} is always reported as truncated, never as complete.
 *
 * <p>Entry point for a client:
 * <pre>{@code
 * FrameReader in = new FrameReader(socketIn);
 * FrameWriter out = new FrameWriter(socketOut);
 * Handshake.client(in, out);                                // HELLO both ways, version checked
 * out.send(new Request("version", List.of(), Map.of()).toFrame());
 * byte[] text = new DataFrameInputStream(in, FrameType.DATA_OUT, frame -> {}).readAllBytes();
 * Exit exit = Exit.from(in.read());
 * }</pre>
 */
module dev.hotswap.protocol {
    exports dev.hotswap.protocol;
}
