package dev.hotswap.cli;

import dev.hotswap.protocol.CpOptions;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hotswap cp SRC DST}: a push when DST is the managed database, a pull when SRC is. The
 * server decides which (by its {@code READY}); this process reads the file it pushes and writes the
 * file it pulls.
 */
@Command(name = "cp",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        sortOptions = false,
        description = {
            "Copy a database into the running app (push) or a snapshot out of it (pull).",
            "",
            "Exactly one of SRC and DST must be a database the app manages, given by its path or its "
                    + "name; the other is a local file, or '-' for stdin (as SRC) or stdout (as DST).",
            "",
            "The database may be on another host, as HOST:PATH or HOST:NAME (scp style; a local file whose "
                    + "name has a colon is written ./a:b): the command runs --rsh CMD HOST hotswap relay ... and "
                    + "talks to the server there through it, with the same checks, messages and exit codes.",
            "",
            "A push is checked by the server (PRAGMA integrity_check, schema diff against the live "
                    + "database), kept as a new generation and swapped in: new requests get it, requests "
                    + "in flight finish on the old one; OK on stdout means it is live. "
                    + "A file is read through its links; one with a non-empty -wal or a hot -journal beside "
                    + "it is refused until SQLite has checkpointed or rolled it back.",
            "",
            "A pull writes a temporary file beside DST and renames it into place once the whole, "
                    + "verified snapshot has arrived.",
            "",
            "On this host's socket the whole file travels, which is fastest here; --delta sends only the "
                    + "pages that changed (the server copies and hashes the live database for it). To or from "
                    + "another host, a delta is the default; --full sends the whole file.",
            "",
            "With --fleet, a push goes to every server of the app's fleet, all or none: the server this "
                    + "command talks to checks the file as above, uploads it to the fleet's store and "
                    + "coordinates; every server checks it against its own live database, and only when all "
                    + "are ready do they flip. One line per server (flipped with its pause, or why not); "
                    + "OK and exit 0 only when every server flipped.",
            "",
            "With --dry-run, a push runs every check (header, integrity, schema, the app's own checks) and "
                    + "reports them as a push would, then the server deletes the file: exit 0 and OK if it would "
                    + "have gone live, 1 with the reason if not. With --fleet, every server checks it and none "
                    + "flips; exit 0 only when every server would have gone live."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  hotswap cp ./new.sqlite3 db/production.sqlite3    push, check and swap",
            "  hotswap cp db/production.sqlite3 backup.sqlite3   pull a snapshot",
            "  hotswap cp production - | gzip > backup.sqlite3.gz",
            "  hotswap cp ./new.sqlite3 prod:/app/db/production.sqlite3   push over ssh (a delta)",
            "  hotswap cp prod:production backup.sqlite3      pull into an older backup (a delta)",
            "  hotswap cp --rsh 'kubectl exec -i' new.sqlite3 web-0:production",
            "  hotswap cp ./new.sqlite3 production --fleet      every server of the fleet, or none",
            "  hotswap cp ./new.sqlite3 production --dry-run    would it go live? nothing changes",
            "",
            "Exit codes: 0 success, 1 refused or failed, 2 usage error, 3 server unreachable."})
final class CpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The database to copy, or '-' for stdin.")
    private String source;

    @Parameters(index = "1", paramLabel = "DST", description = "Where to copy it, or '-' for stdout.")
    private String destination;

    @Option(names = "--" + CpOptions.SKIP_INTEGRITY_CHECK, description = "Push without running PRAGMA integrity_check.")
    private boolean skipIntegrityCheck;

    @Option(names = "--" + CpOptions.SKIP_SCHEMA_CHECK, description = "Push even if the schema differs from the live one, or its latest migration is older.")
    private boolean skipSchemaCheck;

    @Option(names = "--" + CpOptions.SKIP_CHECK, paramLabel = "NAME", split = ",",
            description = "Push without the app's check NAME (repeatable, or NAME,NAME); an unknown name is refused.")
    private List<String> skipChecks = new ArrayList<>();

    @Option(names = "--" + CpOptions.DRY_RUN, description = {"Run every check the push would run, report them, then "
            + "discard the file: nothing becomes a generation, nothing flips. Exit 0 if the push would go live."})
    private boolean dryRun;

    @Option(names = "--full", description = "Copy the whole file, never only the pages that changed.")
    private boolean full;

    @Option(names = "--delta", description = {"Copy only the pages that changed, even on this host's socket, "
            + "where the default is the whole file (a delta costs a copy and a hash pass of the live database)."})
    private boolean delta;

    @Option(names = "--compress", paramLabel = "WHEN", defaultValue = "auto", converter = CompressChoice.Converter.class,
            description = {"auto (the default): compress the data over a remote link, where it pays; never on this "
                    + "host's socket. always: also on a socket that is a tunnel to another host (ssh -L). never: never. "
                    + "Blocks that do not shrink, and all blocks while the link keeps up with raw bytes, go raw."})
    private CompressChoice compress = CompressChoice.AUTO;

    @Mixin
    private FleetMixin fleet = new FleetMixin();

    @ParentCommand
    private HotswapCommand hotswap;

    private final Environment environment;
    private final Reporter reporter;
    private volatile Transfer transfer;

    CpCommand(Environment environment, Reporter reporter) {
        this.environment = environment;
        this.reporter = reporter;
    }

    @Override
    public Integer call() throws CommandFailure {
        CopySides sides = CopySides.of(source, destination, environment, hotswap);
        PathArgument from = sides.from();
        PathArgument to = sides.to();
        if (from.isStdio() && to.isStdio()) {
            throw new ParameterException(spec.commandLine(),
                    "SRC and DST cannot both be '-': one of them must be a database the app manages");
        }
        if (delta && full) {
            throw new ParameterException(spec.commandLine(), "--delta and --full cannot go together: choose one");
        }
        Map<String, String> options = new TreeMap<>(fleet.options(spec));
        if (fleet.enabled() && (skipIntegrityCheck || skipSchemaCheck || !skipChecks.isEmpty())) {
            throw new ParameterException(spec.commandLine(), (skipIntegrityCheck ? "--skip-integrity-check"
                    : skipSchemaCheck ? "--skip-schema-check" : "--skip-check")
                    + " does not apply with --fleet: every server runs every check");
        }
        if (fleet.enabled() && to.isStdio()) {
            throw new ParameterException(spec.commandLine(), "--fleet pushes to the fleet: DST must be the managed"
                    + " database, not '-'");
        }
        if (skipIntegrityCheck) {
            options.put(CpOptions.SKIP_INTEGRITY_CHECK, "true");
        }
        if (skipSchemaCheck) {
            options.put(CpOptions.SKIP_SCHEMA_CHECK, "true");
        }
        if (!skipChecks.isEmpty()) {
            options.put(CpOptions.SKIP_CHECK, String.join(",", skipChecks));
        }
        if (dryRun) {
            options.put(CpOptions.DRY_RUN, "true");
        }
        // Resolved once: what is measured, hashed and sent is one file, the one SQLite would open.
        PushSource pushed = from.local() == null ? null : PushSource.of(from.local());
        sizeOf(pushed).ifPresent(size -> options.put(CpOptions.SIZE, Long.toString(size)));
        TransferChoice choice = delta ? TransferChoice.DELTA : full ? TransferChoice.FULL : TransferChoice.FASTEST;
        DeltaPush early = DeltaOffer.hashEarly(choice, pushed, to);
        return Conversation.run(environment, sides.server(), this::interrupt,
                connection -> converse(connection, choice, from, pushed, early, to, options));
    }

    private int converse(Connection connection, TransferChoice choice, PathArgument from, PushSource pushed,
            DeltaPush early, PathArgument to, Map<String, String> options) throws CommandFailure {
        DeltaOffer offer = !choice.offersDelta(connection.remote()) || connection.version() < 2 ? DeltaOffer.NONE
                : from.isRemote() ? DeltaOffer.pullInto(to) : DeltaOffer.of(pushed, to);
        if (offer.pageSize() > 0) {
            options.put(CpOptions.DELTA, Integer.toString(offer.pageSize()));
        }
        connection.compressData(compress, options);
        connection.send(new Request("cp", List.of(from.wire(), to.wire()), options));
        Ready ready = connection.awaitReady(reporter);
        if (ready.direction() == Ready.Direction.PUSH) {
            if (to.isStdio() || from.isRemote()) {
                throw CommandFailure.failed("protocol error: the server wants a push to " + to.given());
            }
            if (offer.pageSize() > 0 && offer.pushSource() == null) {
                DeltaPush.decline(connection, reporter); // offered for a pull; SRC goes whole
            }
            DeltaPush delta = offer.pushSource() == null ? null
                    : early != null && early.source().equals(offer.pushSource()) ? early
                    : DeltaPush.start(offer.pushSource());
            Push push = new Push(connection, reporter, ready.database(), delta, fleet.enabled(), dryRun);
            transfer = push;
            return push.run(pushed, environment.stdin(), environment.stdout());
        }
        if (from.isStdio() || to.isRemote()) {
            throw CommandFailure.failed("protocol error: the server wants a pull from " + from.given());
        }
        PullDestination sink = to.isStdio()
                ? PullDestination.stdout(environment.stdout())
                : FileDestination.checked(to.local(), ready.database(), ready.mode());
        DeltaPull delta = null;
        if (offer.pageSize() > 0) {
            if (offer.pullBase() == null) {
                DeltaPull.offerNothing(connection);
            } else {
                delta = new DeltaPull(connection, reporter, offer.pullBase());
            }
        }
        Pull pull = new Pull(connection, reporter, ready.database(), sink, delta);
        transfer = pull;
        return pull.run();
    }

    /**
     * SRC's size when it is a regular file, so that the server can refuse a push that does not fit
     * before any of it is sent; nothing for stdin. (Sent before the server says push or pull: a
     * pull ignores it.)
     */
    private static OptionalLong sizeOf(PushSource source) {
        if (source == null || !Files.isRegularFile(source.file())) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Files.size(source.file()));
        } catch (IOException e) {
            return OptionalLong.empty(); // reading it will fail with the reason
        }
    }

    /** Ctrl-C: abort the transfer, drop the connection, say what became of the data. */
    private void interrupt(Connection connection) {
        reporter.stopProgress();
        Transfer current = transfer;
        if (current != null) {
            current.interrupt();
        }
        connection.close();
        reporter.error(current != null ? current.interruptedMessage() : "interrupted");
    }
}
