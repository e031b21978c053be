package dev.hotswap.engine;

/**
 * A push was refused and the live database is untouched. {@link #getMessage()} is the exact message
 * for the operator, starting with {@code "ERROR: "}; it may span several lines (a schema diff), for
 * example:
 * <pre>
 * ERROR: schema mismatch
 * - CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)
 * + CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)
 * </pre>
 */
public final class SwapRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal with the operator message {@code message}.
     *
     * @throws IllegalArgumentException if {@code message} does not start with {@code "ERROR: "}
     */
    public SwapRefusedException(String message) {
        super(requireError(message));
    }

    private static String requireError(String message) {
        if (message == null || !message.startsWith("ERROR: ")) {
            throw new IllegalArgumentException("refusal message must start with \"ERROR: \": " + message);
        }
        return message;
    }
}
