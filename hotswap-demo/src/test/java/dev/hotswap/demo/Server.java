package dev.hotswap.demo;

import java.util.Locale;

/** The servers the demo runs on, as {@code --server} names them: every end-to-end test runs on each. */
enum Server {
    JETTY, UNDERTOW, TOMCAT, SPRING,
    /** The Quarkus extension's demo: no mutex gate, no {@code --tour}, no {@code --fleet-*} (it refuses them). */
    QUARKUS;

    /** The {@code --server} value. */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return option();
    }
}
