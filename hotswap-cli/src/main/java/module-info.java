/**
 * The {@code hotswap} command line: copies a SQLite database into a running app (a push, which the
 * engine checks and swaps in as a new generation) or a consistent snapshot out of it (a pull), rolls
 * a database back to an earlier generation, and lists the generations of the databases the app
 * manages. It talks to the engine embedded in the app over the app's Unix domain socket,
 * using the wire protocol of {@code dev.hotswap.protocol} and nothing else: no engine, no SQLite, no
 * native library, so it links into a small jlink runtime image.
 *
 * <p>Entry point: {@code dev.hotswap.cli.Main}, which only calls {@code Cli.execute(args)}. That
 * method returns the exit code and never throws; its {@code Environment} (stdin, stdout, stderr,
 * environment variables, working directory, Ctrl-C) is injectable, so tests run the real command
 * in-process:
 * <pre>{@code
 * int code = new Cli(Environment.system()).execute("cp", "./new.sqlite3", "db/production.sqlite3");
 * // 0 swapped, 1 refused or failed, 2 usage error, 3 server unreachable
 * }</pre>
 *
 * <p>Before it says anything, the CLI checks that the socket's folder is private to a user it trusts
 * and that the server runs as one ({@code TrustedUsers}: its own user, root, or
 * {@code HOTSWAP_SERVER_USER}); {@code jdk.net} gives it the server's credentials.
 *
 * <p>The module exports nothing: the command package is only opened to picocli, which reads its
 * annotations reflectively.
 */
module dev.hotswap.cli {
    requires dev.hotswap.protocol;
    requires info.picocli;
    // SO_PEERCRED: the CLI checks which user the server runs as before it talks to it.
    requires jdk.net;

    opens dev.hotswap.cli to info.picocli;
}
