package dev.hotswap.fleet;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The registered nodes: one object per node under {@code PREFIX/nodes/}, rewritten at every heartbeat. */
final class Registry {
    private static final System.Logger LOG = System.getLogger(Registry.class.getName());

    private Registry() {
    }

    /**
     * Every registered node, sorted by name; "alive" is judged by the store's clock on both sides
     * (the object's last-modified time against the listing's {@code Date}), so node clocks do not matter.
     */
    static List<NodeInfo> nodes(ObjectStore store) throws FleetException {
        Layout layout = new Layout(store.config().prefix());
        ObjectStore.Listing listing = store.list(layout.nodes());
        List<NodeInfo> nodes = new ArrayList<>();
        for (ObjectStore.Listed listed : listing.objects()) {
            Optional<byte[]> bytes = store.get(listed.key());
            if (bytes.isEmpty()) {
                continue; // deregistered meanwhile
            }
            try {
                nodes.add(NodeInfo.parse(listed.key(), bytes.get(), listed.lastModified(), listing.storeNow(),
                        store.config().nodeTimeout()));
            } catch (FleetException e) {
                LOG.log(Level.WARNING, "ignoring the registration {0}: {1}", listed.key(), e.getMessage());
            }
        }
        nodes.sort(Comparator.comparing(NodeInfo::node));
        return nodes;
    }
}
