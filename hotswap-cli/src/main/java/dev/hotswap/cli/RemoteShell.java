package dev.hotswap.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The remote shell command of {@code HOST:PATH} arguments ({@code --rsh}, {@code HOTSWAP_RSH},
 * default {@code ssh}): split into words as a POSIX shell would split it, and run as
 * {@code RSH HOST REMOTE-COMMAND...} (rsync's convention). ssh joins the remote command's words with
 * spaces and hands the line to the remote user's shell, so every word that a shell would change is
 * single-quoted here; words made only of safe characters go as they are, so that transports that
 * pass words on without a shell ({@code kubectl exec -i}, {@code docker exec -i}) get the same words.
 */
final class RemoteShell {
    static final String VARIABLE = "HOTSWAP_RSH";
    static final String DEFAULT = "ssh";

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private RemoteShell() {
    }

    /**
     * Splits {@code line} into words as {@code sh} would, without expansions: blanks separate words;
     * single quotes keep everything up to the next one; double quotes keep everything but a backslash
     * before {@code " \ $ `} or a newline; a backslash outside quotes keeps the next character.
     *
     * @throws IllegalArgumentException for an unclosed quote or a trailing backslash
     */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed ' in " + line);
                }
                word.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("trailing \\ in " + line);
                }
                char next = line.charAt(++i);
                if (next != '\n') {
                    word.append(next);
                    inWord = true;
                }
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Appends the double-quoted text that starts at {@code from}; returns the closing quote's index. */
    private static int doubleQuoted(String line, int from, StringBuilder word) {
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < line.length() && "\"\\$`\n".indexOf(line.charAt(i + 1)) >= 0) {
                char next = line.charAt(++i);
                if (next != '\n') {
                    word.append(next);
                }
            } else {
                word.append(c);
            }
        }
        throw new IllegalArgumentException("unclosed \" in " + line);
    }

    /** {@code word} as a POSIX shell reads it back: as is if it is safe, else single-quoted. */
    static String quote(String word) {
        if (SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * A command to run and how messages show it: the words as a local shell line would give them,
     * the remote command as the remote shell receives it.
     *
     * @param words what the process is started with
     * @param shown {@code ssh -F 'my config' prod hotswap relay -- '/app/my db.sqlite3'}
     */
    record Command(List<String> words, String shown) {
        Command {
            words = List.copyOf(words);
        }
    }

    /** The command to run: {@code rsh}'s words, {@code host}, then each word of {@code remote} quoted. */
    static Command command(List<String> rsh, String host, List<String> remote) {
        List<String> words = new ArrayList<>(rsh);
        words.add(host);
        StringBuilder shown = new StringBuilder();
        for (String word : words) {
            shown.append(quote(word)).append(' ');
        }
        for (String word : remote) {
            words.add(quote(word));
            shown.append(quote(word)).append(' ');
        }
        return new Command(words, shown.toString().strip());
    }
}
