package dev.hotswap.cli;

import java.util.Optional;

/**
 * A remote side of a command, scp style: {@code HOST:PATH} ({@code prod:/app/db/production.sqlite3},
 * {@code deploy@prod:production}, {@code [::1]:production}), or {@code HOST:} alone for {@code ls}.
 * As with scp, an argument is remote when a colon comes before any slash, so {@code ./a:b} and
 * {@code /tmp/a:b} are local files; a leading colon is local too. A host that starts with {@code -}
 * is refused rather than handed to the remote shell as an option.
 *
 * @param host what the remote shell command gets as its host ({@code user@host}, an ssh alias, a pod)
 * @param path the database on that host, by absolute path or by name; empty for {@code HOST:}
 */
record RemotePath(String host, String path) {

    /** The remote side {@code argument} names, or nothing if it is a local path or {@code -}. */
    static Optional<RemotePath> parse(String argument) {
        int colon;
        if (argument.startsWith("[")) {
            int close = argument.indexOf(']');
            colon = close > 1 && argument.startsWith(":", close + 1) ? close + 1 : -1;
        } else {
            colon = argument.indexOf(':');
            int slash = argument.indexOf('/');
            if (slash >= 0 && slash < colon) {
                colon = -1;
            }
        }
        if (colon <= 0) {
            return Optional.empty();
        }
        String host = argument.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return Optional.of(new RemotePath(host, argument.substring(colon + 1)));
    }

    /**
     * Checks that the host is one to hand to a remote shell and the path one the remote server can
     * match: an absolute path or a database name, since this process cannot know the remote
     * working directory that a relative path would be taken from.
     *
     * @return what is wrong, for a usage error, or nothing
     */
    Optional<String> problem(boolean pathRequired) {
        if (host.startsWith("-")) {
            return Optional.of("the host of " + this + " starts with '-': write it without, or use an ssh alias");
        }
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of("'" + host + "' is no host name: write HOST:PATH");
        }
        if (path.isEmpty()) {
            return pathRequired ? Optional.of(this + " names no database: write " + host + ":PATH or "
                    + host + ":NAME") : Optional.empty();
        }
        if (!path.startsWith("/") && path.indexOf('/') >= 0) {
            return Optional.of("the remote path " + path + " is relative: give the database on " + host
                    + " by absolute path or by name");
        }
        return Optional.empty();
    }

    /** The path as the remote server matches it: a name as given, an absolute path normalized. */
    String wire() {
        return path.startsWith("/") ? java.nio.file.Path.of(path).normalize().toString() : path;
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + path;
    }
}
