package dev.hotswap.engine;

/** An admin request that cannot be served as it is: its message is the {@code EXIT 2} line. */
final class RequestMisuse extends Exception {
    private static final long serialVersionUID = 1L;

    /** {@code message} without the {@code ERROR: } prefix, which this adds. */
    RequestMisuse(String message) {
        super("ERROR: " + message);
    }
}
