package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.hotswap.protocol.Listing;

/** The {@code ls} answer made from {@link Hotswap#status()}: a row per generation of each database. */
final class StatusListing {
    private static final System.Logger LOG = System.getLogger(StatusListing.class.getName());

    private StatusListing() {
    }

    static String of(List<DatabaseStatus> statuses) {
        List<Listing.Row> rows = new ArrayList<>();
        for (DatabaseStatus status : statuses) {
            rows.add(row(status.name(), status.current(), Listing.State.CURRENT, status.path()));
            status.kept().forEach(generation -> rows.add(row(status.name(), generation, Listing.State.KEPT, generation.file())));
            status.retiring().forEach(generation -> rows.add(row(status.name(), generation, Listing.State.RETIRING, generation.file())));
        }
        return Listing.format(rows);
    }

    private static Listing.Row row(String database, GenerationStatus generation, Listing.State state, Path path) {
        int pageSize = -1;
        String journal = null;
        try {
            DatabaseHeader header = DatabaseHeader.read(generation.file());
            if (header != null) {
                pageSize = header.pageSize();
                journal = header.wal() ? "wal" : "delete";
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ls: cannot read " + generation.file(), e);
        }
        return new Listing.Row(database, generation.id(), state, generation.since().toString(), generation.bytes(),
                pageSize, journal, generation.pauseMicros(), generation.requests(), generation.rolloutId(),
                path.toString());
    }
}
