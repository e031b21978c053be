package dev.hotswap.quarkus;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** A registry that keeps values, which Quarkus adds to its global one (alone it has no backend here). */
@Singleton
class SimpleRegistry {
    @Produces
    @Singleton
    SimpleMeterRegistry registry() {
        return new SimpleMeterRegistry();
    }
}
