package dev.hotswap.fleet;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import dev.hotswap.engine.Rollouts;

/**
 * The fleet's copy of a database that a server lacks (a new server, an empty disk): the file of the
 * rollout the fleet serves, which the engine writes, checks and adopts before it opens its databases
 * ({@link Rollouts#copyOf}). What the fleet serves is read as a node that catches up reads it: the
 * head's {@code content}, or the head's latest rollout when its decision is a commit the head does not
 * show yet (its coordinator stopped between the two writes). The download is verified on the fly, as
 * every download of a node is: a stream that ends short, runs long or whose SHA-256 differs from the
 * manifest's throws instead of ending.
 */
final class FleetCopy {
    /** Failures that say what to fix in the configuration, whatever the server was doing. */
    private static final Set<FleetException.Reason> MISCONFIGURED = EnumSet.of(FleetException.Reason.CREDENTIALS,
            FleetException.Reason.ACCESS_DENIED, FleetException.Reason.NO_BUCKET);

    private FleetCopy() {
    }

    /**
     * The copy of {@code database} the fleet serves, or empty if it committed none. The returned
     * stream holds a connection to the store of its own, released when the stream is closed.
     *
     * @throws FleetException if the store cannot be reached or refuses: this server cannot tell what
     *     it should serve
     */
    static Optional<Rollouts.Copy> of(FleetConfig config, String database) throws FleetException {
        FleetConfig.requireName("database name", database);
        ObjectStore store = new ObjectStore(config);
        boolean handedOver = false;
        try {
            store.check(); // a missing bucket must not read as "no rollout yet"
            Layout layout = new Layout(config.prefix());
            Optional<String> content = servedContent(store, layout, database);
            if (content.isEmpty()) {
                return Optional.empty();
            }
            Manifest manifest = manifest(store, layout, database, content.get());
            String key = layout.file(database, manifest.id());
            InputStream verified = new VerifyingInputStream(store.open(key), key, manifest.size(), manifest.sha256());
            handedOver = true;
            return Optional.of(new Rollouts.Copy(manifest.id(), manifest.size(), new FilterInputStream(verified) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        store.close();
                    }
                }
            }));
        } catch (FleetException e) {
            if (MISCONFIGURED.contains(e.reason())) {
                throw e; // the same words as for a server that has its file: they name what to fix
            }
            throw new FleetException(e.reason(), "cannot fetch the fleet's copy of database " + database
                    + ", which this server lacks: " + Messages.bare(e.getMessage()), e);
        } finally {
            if (!handedOver) {
                store.close();
            }
        }
    }

    /** The rollout whose file the fleet serves for {@code database}, counting a commit the head does not show. */
    private static Optional<String> servedContent(ObjectStore store, Layout layout, String database)
            throws FleetException {
        Optional<byte[]> bytes = store.get(layout.head(database));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Head head = Head.parse(layout.head(database), bytes.get());
        if (!head.showsLatestCommitted()) {
            String key = layout.decision(database, head.latest());
            Optional<byte[]> decision = store.get(key);
            if (decision.isPresent() && Decision.parse(key, decision.get()).commit()) {
                head = head.withLatestCommitted(manifest(store, layout, database, head.latest()));
            }
        }
        return Optional.ofNullable(head.content());
    }

    private static Manifest manifest(ObjectStore store, Layout layout, String database, String rollout)
            throws FleetException {
        String key = layout.manifest(database, rollout);
        return Manifest.parse(key, store.get(key).orElseThrow(() -> new FleetException(FleetException.Reason.INVALID,
                "rollout " + rollout + " of " + database + " has no manifest (s3://" + store.config().bucket() + "/"
                        + key + ")")));
    }
}
