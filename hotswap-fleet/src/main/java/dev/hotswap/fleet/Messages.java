package dev.hotswap.fleet;

/** The operator-message convention shared with the engine and the CLI: every error starts with "ERROR: ". */
final class Messages {
    static final String PREFIX = "ERROR: ";

    private Messages() {
    }

    /** {@code message} with {@code "ERROR: "} in front unless it has it; a null message says so. */
    static String error(String message) {
        if (message == null || message.isBlank()) {
            return PREFIX + "(no message)";
        }
        return message.startsWith(PREFIX) ? message : PREFIX + message;
    }

    /** {@code message} without a leading {@code "ERROR: "}, to quote it inside another error. */
    static String bare(String message) {
        String error = error(message);
        return error.substring(PREFIX.length());
    }
}
