package dev.hotswap.fleet;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The text of the fleet's small objects: UTF-8 {@code key=value} lines in {@link Properties} syntax,
 * readable with {@code aws s3 cp s3://bucket/key -}. Values may hold several lines (a schema diff);
 * they are escaped so that each entry stays on one line. Reading is {@link Properties#load}; writing is
 * here because {@code Properties.store} adds a timestamp comment and no order.
 */
final class KeyValues {
    private final String what;
    private final Map<String, String> values;

    private KeyValues(String what, Map<String, String> values) {
        this.what = what;
        this.values = values;
    }

    /** An empty set of values to write, for the object described by {@code what}. */
    static KeyValues create(String what) {
        return new KeyValues(what, new LinkedHashMap<>());
    }

    /**
     * Parses the object {@code what} (its key, for messages).
     *
     * @throws FleetException {@link FleetException.Reason#INVALID} if it is not such text
     */
    static KeyValues parse(String what, byte[] bytes) throws FleetException {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new FleetException(FleetException.Reason.INVALID, "malformed fleet object " + what + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return new KeyValues(what, values);
    }

    /** Sets {@code name}; a null value leaves it out. */
    KeyValues put(String name, Object value) {
        if (value != null) {
            values.put(name, value.toString());
        }
        return this;
    }

    /** The names present, sorted. */
    java.util.SortedSet<String> names() {
        return new java.util.TreeSet<>(values.keySet());
    }

    /** The value of {@code name}, or null. */
    String optional(String name) {
        return values.get(name);
    }

    /** The value of {@code name}. */
    String required(String name) throws FleetException {
        String value = values.get(name);
        if (value == null) {
            throw new FleetException(FleetException.Reason.INVALID, "malformed fleet object " + what + ": no " + name);
        }
        return value;
    }

    long requiredLong(String name) throws FleetException {
        return required(name, "a number", Long::parseLong);
    }

    Instant requiredInstant(String name) throws FleetException {
        return required(name, "an instant", Instant::parse);
    }

    private <T> T required(String name, String kind, Function<String, T> parser) throws FleetException {
        String value = required(name);
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new FleetException(FleetException.Reason.INVALID,
                    "malformed fleet object " + what + ": " + name + " \"" + value + "\" is not " + kind, e);
        }
    }

    /** The text, one {@code name=value} line per entry in insertion order. */
    byte[] toBytes() {
        StringBuilder text = new StringBuilder();
        values.forEach((name, value) -> text.append(name).append('=').append(escape(value)).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                // Properties.load drops leading whitespace of a value unless escaped.
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
