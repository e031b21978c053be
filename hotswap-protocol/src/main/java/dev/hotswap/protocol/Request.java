package dev.hotswap.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A command sent by the client: {@code cp}, {@code ls}, {@code rollback} or {@code version}, its
 * positional arguments and its options (flags are options whose value is {@code "true"}; see
 * {@link Protocol} for the option names).
 *
 * <p>Encoding: string command, u16 argument count, each argument as a string, u16 option count, each
 * option as a key string and a value string; strings are a u32 byte length and UTF-8. Options are
 * encoded sorted by key, so that one request has exactly one encoding.
 *
 * @param command the command name
 * @param args positional arguments, in order
 * @param options named options
 */
public record Request(String command, List<String> args, Map<String, String> options) {

    /** Copies the collections; rejects nulls and counts that do not fit a u16. */
    public Request {
        Objects.requireNonNull(command, "command");
        args = List.copyOf(args);
        options = Map.copyOf(options);
        if (args.size() > 0xffff || options.size() > 0xffff) {
            throw new IllegalArgumentException("too many arguments or options");
        }
    }

    /** A request with no arguments and no options. */
    public static Request of(String command) {
        return new Request(command, List.of(), Map.of());
    }

    /** Whether the flag {@code name} is set, i.e. present with the value {@code "true"}. */
    public boolean flag(String name) {
        return "true".equals(options.get(name));
    }

    /** This value as a {@code REQUEST} frame. */
    public Frame toFrame() {
        Payload.Writer writer = new Payload.Writer().string(command).u16(args.size());
        args.forEach(writer::string);
        writer.u16(options.size());
        new TreeMap<>(options).forEach((key, value) -> writer.string(key).string(value));
        return new Frame(FrameType.REQUEST, writer.toByteArray());
    }

    /**
     * Decodes a {@code REQUEST} frame.
     *
     * @throws ProtocolException if the frame is not a well-formed {@code REQUEST}
     */
    public static Request from(Frame frame) throws ProtocolException {
        Frames.expect(frame, FrameType.REQUEST);
        Payload.Reader reader = new Payload.Reader(frame);
        String command = reader.string();
        int argCount = reader.u16();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < argCount; i++) {
            args.add(reader.string());
        }
        int optionCount = reader.u16();
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i < optionCount; i++) {
            String key = reader.string();
            if (options.put(key, reader.string()) != null) {
                throw new ProtocolException("malformed REQUEST frame: duplicate option " + key);
            }
        }
        reader.end();
        return new Request(command, args, options);
    }
}
