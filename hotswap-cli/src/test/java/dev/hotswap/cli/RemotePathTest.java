package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemotePathTest {

    @Test
    void aColonBeforeAnySlashMakesAnArgumentRemote() {
        assertEquals(Optional.of(new RemotePath("prod", "/app/db/production.sqlite3")),
                RemotePath.parse("prod:/app/db/production.sqlite3"));
        assertEquals(Optional.of(new RemotePath("deploy@prod", "production")), RemotePath.parse("deploy@prod:production"));
        assertEquals(Optional.of(new RemotePath("prod", "")), RemotePath.parse("prod:"));
        assertEquals(Optional.of(new RemotePath("C", "")), RemotePath.parse("C:"), "as scp: C: is a host");
        assertEquals(Optional.of(new RemotePath("C", "backup")), RemotePath.parse("C:backup"));
    }

    @Test
    void aSlashBeforeTheColonALeadingColonAndDashAreLocal() {
        assertEquals(Optional.empty(), RemotePath.parse("./a:b"));
        assertEquals(Optional.empty(), RemotePath.parse("/tmp/a:b"));
        assertEquals(Optional.empty(), RemotePath.parse("dir/a:b"));
        assertEquals(Optional.empty(), RemotePath.parse(":production"));
        assertEquals(Optional.empty(), RemotePath.parse("-"));
        assertEquals(Optional.empty(), RemotePath.parse("new.sqlite3"));
    }

    @Test
    void bracketsHoldAnIpv6Host() {
        assertEquals(Optional.of(new RemotePath("::1", "production")), RemotePath.parse("[::1]:production"));
        assertEquals("[::1]:production", new RemotePath("::1", "production").toString());
        assertEquals(Optional.empty(), RemotePath.parse("[::1]production"));
    }

    @Test
    void refusesHostsThatLookLikeOptionsAndRelativeRemotePaths() {
        assertTrue(new RemotePath("-oProxyCommand=x", "p").problem(true).orElseThrow().contains("starts with '-'"));
        assertTrue(new RemotePath("prod", "db/production.sqlite3").problem(true).orElseThrow().contains("relative"));
        assertTrue(new RemotePath("prod", "").problem(true).orElseThrow().contains("names no database"));
        assertEquals(Optional.empty(), new RemotePath("prod", "").problem(false), "ls prod: needs no database");
        assertEquals(Optional.empty(), new RemotePath("prod", "production").problem(true));
        assertEquals("/app/db/p.sqlite3", new RemotePath("prod", "/app/./db//p.sqlite3").wire());
    }

    @Test
    void everyArgumentWithADotSlashPrefixIsLocal() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 20))
                .check(name -> RemotePath.parse("./" + name).isEmpty());
    }

    @Test
    void aHostAndAPathWithoutColonsRoundTrip() {
        qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(1, 12), strings().basicLatinAlphabet().ofLengthBetween(0, 20))
                .assuming((host, path) -> host.indexOf(':') < 0 && host.indexOf('/') < 0 && !host.startsWith("["))
                .check((host, path) -> RemotePath.parse(host + ":" + path).equals(Optional.of(new RemotePath(host, path))));
    }
}
