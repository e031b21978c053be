package dev.hotswap.fleet;

/**
 * A node's database refused a file or a flip; its live database is untouched. The message is for the
 * operator and starts with {@code "ERROR: "}; it may span several lines (a schema diff). The fleet
 * writes it, unchanged, as the node's answer, and the coordinator reports it under the node's name.
 */
final class StageRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal with the operator message {@code message}; {@code "ERROR: "} is put in front if
     * missing (the engine's refusals carry it already).
     */
    public StageRefusedException(String message) {
        super(Messages.error(message));
    }
}
