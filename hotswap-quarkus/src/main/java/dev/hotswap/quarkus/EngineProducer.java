package dev.hotswap.quarkus;

import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import dev.hotswap.engine.SwapListener;
import io.quarkus.arc.All;
import io.quarkus.arc.DefaultBean;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The engine as a {@code @Singleton} bean: built from {@link HotswapConfig}, the application's
 * {@link SwapListener} beans and its {@code @Named} {@link CandidateCheck} beans (the name is the
 * check's), started at startup and closed when the application stops, after its HTTP server (ArC
 * disposes its beans last). In dev mode each live reload closes the old engine, its socket file
 * with it, before the new application starts its own. An application's own {@code Hotswap} bean wins.
 */
@Singleton
public class EngineProducer {
    @Produces
    @Singleton
    @DefaultBean
    @Startup
    Hotswap hotswap(HotswapConfig config, @All List<SwapListener> listeners,
            @All List<InstanceHandle<CandidateCheck>> checks) {
        HotswapBuilder builder = EngineSettings.builder(config);
        listeners.forEach(builder::listener);
        for (InstanceHandle<CandidateCheck> check : checks) {
            String name = check.getBean().getName();
            if (name == null) {
                throw new IllegalStateException("CandidateCheck bean " + check.getBean().getBeanClass().getName()
                        + " has no @Named: its name is the check's");
            }
            EngineSettings.set("CandidateCheck bean '" + name + "'", () -> builder.check(name, check.get()));
        }
        try {
            return builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("hotswap did not start: " + e.getMessage(), e);
        }
    }

    void close(@Disposes Hotswap hotswap) {
        hotswap.close();
    }
}
