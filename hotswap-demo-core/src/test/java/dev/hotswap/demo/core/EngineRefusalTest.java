package dev.hotswap.demo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineRefusalTest {
    @Test
    void findsTheEnginesIOExceptionUnderTheFrameworksWrappers() {
        IOException refusal = new IOException("ERROR: database production: ... is a symbolic link to ..., which does not exist");
        RuntimeException failure = new IllegalStateException("bean creation failed",
                new RuntimeException("wrapped", new UncheckedIOException(refusal)));

        assertSame(refusal, EngineRefusal.in(failure).orElseThrow());
    }

    @Test
    void takesTheOutermostIOExceptionAndTheFailureItself() {
        IOException inner = new NoSuchFileException("db/production.sqlite3");
        IOException outer = new IOException("cannot start", inner);

        assertSame(outer, EngineRefusal.in(new RuntimeException(outer)).orElseThrow());
        assertSame(inner, EngineRefusal.in(inner).orElseThrow());
    }

    @Test
    void findsNothingInAFailureWithoutAnIOException() {
        assertEquals(Optional.empty(), EngineRefusal.in(new IllegalStateException("port in use", new RuntimeException())));
    }
}
