package dev.hotswap.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class FleetConfigTest {

    @Test
    void toStringNeverShowsTheSecret() {
        FleetConfig config = FleetConfig.builder("bucket", "web-1").credentials("AKIDEXAMPLE", "very-secret").build();

        assertFalse(config.toString().contains("very-secret"), config.toString());
        assertTrue(config.toString().contains("credentials=AKIDEXAMPLE/***"), config.toString());
    }

    @Test
    void nodeNamesMustBeSafeAsKeySegments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FleetConfig.builder("bucket", "../web-1"));
        assertEquals("node name \"../web-1\" must be 1 to 63 letters, digits, '.', '_' or '-', starting with a"
                + " letter or digit", e.getMessage());
    }

    @Test
    void prefixLosesItsSlashes() {
        assertEquals("fleets/shop", FleetConfig.builder("bucket", "a").prefix("/fleets/shop/").build().prefix());
    }

    @Test
    void refusesANodeTimeoutThatLiveNodesWouldMiss() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FleetConfig
                .builder("bucket", "a").heartbeatInterval(Duration.ofSeconds(10)).nodeTimeout(Duration.ofSeconds(5))
                .build());
        assertEquals("nodeTimeout PT5S must exceed heartbeatInterval PT10S, or live nodes look dead between heartbeats",
                e.getMessage());
    }

    @Test
    void refusesAnEndpointThatIsNoHttpUrl() {
        assertThrows(IllegalArgumentException.class,
                () -> FleetConfig.builder("bucket", "a").endpoint(URI.create("s3://bucket")));
    }
}
