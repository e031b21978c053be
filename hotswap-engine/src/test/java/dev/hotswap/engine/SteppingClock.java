package dev.hotswap.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A wall clock for the engine's instants that moves one second per reading, and steps when told. */
final class SteppingClock extends Clock {
    private Instant now = Instant.parse("2026-12-07T12:00:00Z");

    /** Steps the clock by {@code by}, forward or back (NTP, a VM restore). */
    synchronized void step(Duration by) {
        now = now.plus(by);
    }

    @Override
    public synchronized Instant instant() {
        now = now.plusSeconds(1);
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the engine reads instants only");
    }
}
