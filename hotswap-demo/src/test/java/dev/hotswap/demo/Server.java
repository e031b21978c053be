package dev.hotswap.demo;

import java.util.Locale;

/** The servers the demo runs on, as {@code --server} names them; {@link ServerSample} says which a test run covers. */
enum Server {
    JETTY, UNDERTOW, TOMCAT, SPRING,
    /** The Quarkus extension's demo: no mutex gate, no {@code --tour}, no {@code --fleet-*} (it refuses them). */
    QUARKUS,
    /** The Micronaut demo: no mutex gate, no {@code --fleet-*} (it refuses them). */
    MICRONAUT;

    /** Whether the demo on this server offers {@code --gate mutex}, the one-request-at-a-time baseline. */
    boolean hasMutexGate() {
        return this != QUARKUS && this != MICRONAUT;
    }

    /** The {@code --server} value. */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return option();
    }
}
