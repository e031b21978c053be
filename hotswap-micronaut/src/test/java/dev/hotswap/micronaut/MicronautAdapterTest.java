package dev.hotswap.micronaut;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.AdapterContract;
import dev.hotswap.testkit.Ending;
import dev.hotswap.testkit.RunningServer;
import dev.hotswap.testkit.TestRoutes;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

/**
 * The adapter contract on Micronaut's Netty server: the test app as a controller, the engine the
 * contract built registered as the application's own {@code Hotswap} bean (which the factory then
 * leaves alone), and everything else (the filter, the propagated pin) as an application gets it.
 */
class MicronautAdapterTest extends AdapterContract {

    @Override
    protected RunningServer start(Hotswap hotswap, TestRoutes app) throws Exception {
        return serve(hotswap.start(), app);
    }

    /** A Micronaut server on 127.0.0.1 and a free port around {@code hotswap} and {@code app}, and {@code beans}. */
    static RunningServer serve(Hotswap hotswap, TestRoutes app, Object... beans) {
        ApplicationContext context = ApplicationContext.builder()
                .properties(java.util.Map.of(
                        "micronaut.server.host", "127.0.0.1",
                        "micronaut.server.port", -1))
                .singletons(hotswap, app)
                .singletons(beans)
                .deduceEnvironment(false)
                .start();
        try {
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            return new RunningServer(server.getPort(), () -> {
                try {
                    context.close();
                } finally {
                    hotswap.close();
                }
            });
        } catch (RuntimeException | Error e) {
            context.close();
            throw e;
        }
    }

    @Override
    protected int status(Ending ending) {
        return switch (ending) {
            case THROWS, FAILS -> 500;
            case RESPONDS_THEN_THROWS -> 204;
            case DECLINES -> 404;
        };
    }
}
