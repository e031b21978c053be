package dev.hotswap.quarkus;

import dev.hotswap.engine.Hotswap;
import io.quarkus.arc.Arc;
import io.quarkus.arc.SyntheticCreationalContext;
import io.quarkus.runtime.annotations.Recorder;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import javax.sql.DataSource;

/** What the extension's build steps record for run time: the gate filter and the data sources. */
@Recorder
public class HotswapRecorder {
    /**
     * The route filter every request passes: the {@link RequestGate} of the engine bean, or nothing
     * but the next handler with {@code quarkus.hotswap.gate-enabled=false}.
     */
    public Handler<RoutingContext> gate() {
        return new Handler<>() {
            private volatile Handler<RoutingContext> gate;

            @Override
            public void handle(RoutingContext request) {
                Handler<RoutingContext> current = gate;
                if (current == null) {
                    // The engine bean is @Startup: started before the HTTP server takes requests.
                    current = Arc.container().instance(HotswapConfig.class).get().gateEnabled()
                            ? new RequestGate(Arc.container().instance(Hotswap.class).get().gate())
                            : RoutingContext::next;
                    gate = current;
                }
                current.handle(request);
            }
        };
    }

    /** Creates the {@code DataSource} bean of {@code database}: the engine's. */
    public Function<SyntheticCreationalContext<DataSource>, DataSource> dataSource(String database) {
        return context -> context.getInjectedReference(Hotswap.class).dataSource(database);
    }
}
