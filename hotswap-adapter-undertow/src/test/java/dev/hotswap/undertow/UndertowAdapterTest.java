package dev.hotswap.undertow;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.AdapterContract;
import dev.hotswap.testkit.Ending;
import dev.hotswap.testkit.RunningServer;
import dev.hotswap.testkit.TestRoutes;
import io.undertow.Undertow;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;

/** The adapter contract on Undertow: {@link HotswapUndertow#start} with {@link UndertowTestApp}. */
class UndertowAdapterTest extends AdapterContract {
    /** Worker threads: more than the clients of any test plus its held requests. */
    private static final int WORKERS = 16;

    @Override
    protected RunningServer start(Hotswap hotswap, TestRoutes app) throws Exception {
        HotswapUndertow running = HotswapUndertow.start(localServer(), new UndertowTestApp(app), hotswap);
        return new RunningServer(port(running.undertow()), running);
    }

    @Override
    protected int status(Ending ending) {
        return switch (ending) {
            case THROWS, FAILS -> StatusCodes.INTERNAL_SERVER_ERROR;
            case RESPONDS_THEN_THROWS -> StatusCodes.NO_CONTENT;
            case DECLINES -> StatusCodes.OK;
        };
    }

    /** A builder for a server on 127.0.0.1 and an ephemeral port, with {@value #WORKERS} workers. */
    static Undertow.Builder localServer() {
        return Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(2).setWorkerThreads(WORKERS);
    }

    /** The port a started server listens on. */
    static int port(Undertow undertow) {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }
}
