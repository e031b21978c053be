package dev.hotswap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hotswap relay [DATABASE]}: the remote end of {@code hotswap cp SRC HOST:PATH}, which runs
 * it through a remote shell. It finds the server as a local command would ({@code --socket},
 * {@code HOTSWAP_SOCKET}, the pointer beside DATABASE, the default), checks it with the same trust
 * rules as the user it runs as, and then only copies bytes: stdin to the server, the server to
 * stdout, so that the CLI on the other host speaks the protocol with the server end to end. When
 * stdin ends (the CLI was interrupted, the link dropped), the server sees the end of the stream,
 * and a push without its final frame is refused.
 */
@Command(name = RelayCommand.NAME,
        hidden = true,
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {"Connect stdin and stdout to the app's hotswap socket (run by 'hotswap cp HOST:PATH' "
                + "through the remote shell; not for people)."})
final class RelayCommand implements Callable<Integer> {
    static final String NAME = "relay";
    private static final int BUFFER = 256 * 1024;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DATABASE",
            description = "The managed database, by path or name, whose server to reach.")
    private String database;

    @ParentCommand
    private HotswapCommand hotswap;

    private final Environment environment;

    RelayCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws CommandFailure {
        Path socket = database == null ? hotswap.socket().resolve(environment)
                : hotswap.socket().resolve(environment, PathArgument.of(database, environment.workingDirectory()));
        try (SocketLink link = SocketLink.connect(socket, TrustedUsers.from(environment))) {
            Thread upstream = new Thread(() -> {
                copy(environment.stdin(), link.out());
                link.shutdownOutput();
            }, "hotswap-relay-upstream");
            upstream.setDaemon(true); // when the server is done, stdin may never end: do not wait for it
            upstream.start();
            copy(link.in(), environment.stdout());
        }
        return 0;
    }

    /** Copies until {@code from} ends or either side fails; flushes every read, for a conversation. */
    private static void copy(InputStream from, OutputStream to) {
        byte[] buffer = new byte[BUFFER];
        try {
            for (int read = from.read(buffer); read >= 0; read = from.read(buffer)) {
                to.write(buffer, 0, read);
                to.flush();
            }
        } catch (IOException e) {
            // one side is gone: the other sees its stream end, which the protocol turns into a refusal
        }
    }
}
