package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RemoteShellTest {
    private static final Path SH = Path.of("/bin/sh");

    @Test
    void splitsLikeAShell() {
        assertEquals(List.of("ssh", "-p", "2222", "-i", "my key"), RemoteShell.split("ssh -p 2222 -i 'my key'"));
        assertEquals(List.of("ssh", "-F", "/tmp/a b/config"), RemoteShell.split("ssh -F \"/tmp/a b/config\""));
        assertEquals(List.of("kubectl", "exec", "-i"), RemoteShell.split("  kubectl\texec -i  "));
        assertEquals(List.of("a b", "it's", "x\"y", "$HOME"), RemoteShell.split("a\\ b it\\'s 'x\"y' '$HOME'"));
        assertEquals(List.of("", "x"), RemoteShell.split("'' x"));
        assertEquals(List.of("a\\b", "c$d"), RemoteShell.split("\"a\\b\" \"c\\$d\""));
        assertThrows(IllegalArgumentException.class, () -> RemoteShell.split("ssh 'unclosed"));
        assertThrows(IllegalArgumentException.class, () -> RemoteShell.split("ssh \"unclosed"));
        assertThrows(IllegalArgumentException.class, () -> RemoteShell.split("ssh \\"));
    }

    @Test
    void quotesOnlyTheWordsAShellWouldChange() {
        assertEquals("hotswap", RemoteShell.quote("hotswap"));
        assertEquals("/app/db/production.sqlite3", RemoteShell.quote("/app/db/production.sqlite3"));
        assertEquals("'/app/my db/it'\\''s.sqlite3'", RemoteShell.quote("/app/my db/it's.sqlite3"));
        assertEquals("''", RemoteShell.quote(""));
        assertEquals("'$(reboot)'", RemoteShell.quote("$(reboot)"));
    }

    @Test
    void commandIsShellThenHostThenQuotedWords() {
        RemoteShell.Command command = RemoteShell.command(List.of("ssh", "-F", "my c"), "prod",
                List.of("hotswap", "relay", "--", "/a b"));
        assertEquals(List.of("ssh", "-F", "my c", "prod", "hotswap", "relay", "--", "'/a b'"), command.words());
        assertEquals("ssh -F 'my c' prod hotswap relay -- '/a b'", command.shown());
    }

    @Test
    void splittingQuotedWordsGivesThemBack() {
        qt().forAll(lists().of(strings().allPossible().ofLengthBetween(0, 12)).ofSizeBetween(1, 5))
                .assuming(words -> words.stream().noneMatch(word -> word.indexOf('\0') >= 0))
                .check(words -> RemoteShell.split(joined(words)).equals(words));
    }

    /** What ssh does with the words: joins them with spaces for the remote user's shell. */
    @Test
    void aRemoteShellReadsQuotedWordsBackUnchanged() {
        assumeTrue(Files.isExecutable(SH), "no /bin/sh to read the words back");
        qt().withExamples(40)
                .forAll(lists().of(strings().basicLatinAlphabet().ofLengthBetween(0, 10)).ofSizeBetween(1, 4))
                .check(words -> echoedBySh(words).equals(words));
        List<String> hard = List.of("/app/my db/it's.sqlite3", "a\"b", "$HOME", "`id`", "x\\y", "*", "~", "a;b", "");
        assertEquals(hard, echoedBySh(hard));
    }

    private static String joined(List<String> words) {
        return words.stream().map(RemoteShell::quote).collect(Collectors.joining(" "));
    }

    /** The words {@code sh -c 'printf "%s\0" WORDS'} prints: one per argument, as the shell split them. */
    private static List<String> echoedBySh(List<String> words) {
        try {
            Process process = new ProcessBuilder(SH.toString(), "-c", "printf '%s\\0' " + joined(words))
                    .redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("sh did not finish within 10 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            List<String> read = new ArrayList<>(List.of(text.split("\0", -1)));
            read.remove(read.size() - 1); // after the last NUL
            return read;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
