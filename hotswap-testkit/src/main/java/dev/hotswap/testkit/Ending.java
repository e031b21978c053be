package dev.hotswap.testkit;

/**
 * Ways a request can end other than by a handler answering it normally, each a route of the test
 * app; every one must leave the gate, exactly once. What the client gets depends on the server.
 */
public enum Ending {
    /** The handler throws before answering. */
    THROWS("/throw"),
    /** The handler answers 204, completing the request, then throws. */
    RESPONDS_THEN_THROWS("/respond-then-throw"),
    /**
     * The handler fails the request instead of answering (Jetty: fails its callback; Undertow: a
     * task it dispatched throws; Servlet: {@code sendError(500)}).
     */
    FAILS("/fail"),
    /**
     * The handler neither answers nor keeps the request (Jetty: returns {@code false}; Undertow and
     * Servlet: return without a word), so that the server ends it.
     */
    DECLINES("/decline");

    private final String path;

    Ending(String path) {
        this.path = path;
    }

    /** The test app's route for this ending. */
    public String path() {
        return path;
    }
}
