package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import java.io.IOException;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Starts the engine with the application's readiness at {@link ReadinessState#REFUSING_TRAFFIC}: a
 * server in a fleet catches its databases up with the fleet in {@link Hotswap#start()}, and may flip
 * to a newer generation there, so a load balancer or Kubernetes must send it no request until that is
 * done.
 *
 * <p>An engine made while the context refreshes starts before Boot declares the application ready,
 * so readiness refuses already, and stays so until Boot accepts traffic when the application is
 * ready. An engine made later (a lazily initialized bean, {@code spring.main.lazy-initialization})
 * would catch up under an application that accepts traffic: readiness is set to refusing for the
 * start, and back to accepting once it returned. A start that fails leaves it refusing: the
 * application has no database to serve.
 */
final class StartupReadiness {
    private StartupReadiness() {
    }

    /** Builds and starts the engine of {@code builder}, readiness refusing meanwhile. */
    static Hotswap start(HotswapBuilder builder, ApplicationEventPublisher events, ApplicationAvailability availability)
            throws IOException {
        Hotswap engine = builder.build();
        boolean accepting = availability != null
                && availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
        if (accepting) {
            AvailabilityChangeEvent.publish(events, engine, ReadinessState.REFUSING_TRAFFIC);
        }
        engine.start();
        if (accepting) {
            AvailabilityChangeEvent.publish(events, engine, ReadinessState.ACCEPTING_TRAFFIC);
        }
        return engine;
    }
}
