package dev.hotswap.quarkus.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The database names of {@code quarkus.hotswap.databases.NAME.path} properties, quoted or not. */
final class DatabaseNames {
    private static final Pattern PATH = Pattern.compile(
            "quarkus\\.hotswap\\.databases\\.(?:\"([^\"]+)\"|([^.\"]+))\\.path");

    private DatabaseNames() {
    }

    /** Each name once, in the order first seen. */
    static List<String> of(Iterable<String> properties) {
        List<String> names = new ArrayList<>();
        for (String property : properties) {
            Matcher matcher = PATH.matcher(property);
            if (matcher.matches()) {
                String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
