package dev.hotswap.cli;

/** The launcher's entry point: runs the command against the real process environment. */
public final class Main {
    private Main() {
    }

    /** Runs {@code hotswap} with {@code args} and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(new Cli(Environment.system()).execute(args));
    }
}
