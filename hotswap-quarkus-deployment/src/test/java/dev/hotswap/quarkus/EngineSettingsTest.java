package dev.hotswap.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.runtime.configuration.MemorySize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code quarkus.hotswap.*} into the engine's builder, without booting Quarkus: refusals name the property. */
class EngineSettingsTest {
    record Database(Path path, boolean createIfMissing, Map<String, String> checks, Optional<List<String>> warmUp)
            implements HotswapConfig.Database {
    }

    record Config(Map<String, HotswapConfig.Database> databases, OptionalInt keep, Optional<Duration> pinWarning)
            implements HotswapConfig {
        @Override
        public boolean gateEnabled() {
            return true;
        }

        @Override
        public Optional<Path> socket() {
            return Optional.empty();
        }

        @Override
        public boolean socketEnabled() {
            return false;
        }

        @Override
        public Optional<List<Long>> allowedUids() {
            return Optional.empty();
        }

        @Override
        public OptionalInt maxConnections() {
            return OptionalInt.empty();
        }

        @Override
        public Optional<Duration> idleTimeout() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> warmUpTimeout() {
            return Optional.empty();
        }

        @Override
        public OptionalInt poolSize() {
            return OptionalInt.empty();
        }

        @Override
        public Optional<MemorySize> diskReserve() {
            return Optional.empty();
        }

        @Override
        public Optional<MemorySize> minUploadRate() {
            return Optional.empty();
        }
    }

    private static final Map<String, HotswapConfig.Database> PRODUCTION = Map.of("production",
            new Database(Path.of("db/production.sqlite3"), false, Map.of(), Optional.empty()));

    @Test
    void refusesAKeepOutsideItsRangeNamingTheProperty() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineSettings.builder(
                new Config(PRODUCTION, OptionalInt.of(-1), Optional.empty())));
        assertEquals("quarkus.hotswap.keep: keep -1 is outside 0..1000", e.getMessage());
    }

    @Test
    void refusesAPinWarningOutsideItsRangeNamingTheProperty() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineSettings.builder(
                new Config(PRODUCTION, OptionalInt.empty(), Optional.of(Duration.ofMillis(5)))));
        assertEquals("quarkus.hotswap.pin-warning: pin warning PT0.005S is outside 100 ms..1 day", e.getMessage());
    }

    @Test
    void refusesAMalformedCheckNameNamingItsProperty() {
        Map<String, HotswapConfig.Database> databases = Map.of("production", new Database(
                Path.of("db/production.sqlite3"), false, Map.of("no spaces", "SELECT 1"), Optional.empty()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineSettings.builder(
                new Config(databases, OptionalInt.empty(), Optional.empty())));
        assertEquals(true, e.getMessage().startsWith("quarkus.hotswap.databases.\"production\".checks.no spaces: "),
                e.getMessage());
    }

    @Test
    void refusesAConfigurationWithoutDatabasesSayingWhatToSet() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineSettings.builder(
                new Config(Map.of(), OptionalInt.empty(), Optional.empty())));
        assertEquals("hotswap: no database configured; set quarkus.hotswap.databases.\"<name>\".path", e.getMessage());
    }
}
