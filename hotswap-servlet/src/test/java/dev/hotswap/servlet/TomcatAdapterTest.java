package dev.hotswap.servlet;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.AdapterContract;
import dev.hotswap.testkit.Ending;
import dev.hotswap.testkit.RunningServer;
import dev.hotswap.testkit.TestRoutes;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The adapter contract on embedded Tomcat 11: {@link HotswapServletContext#install} in front of
 * {@link ServletTestApp}.
 */
class TomcatAdapterTest extends AdapterContract {

    @Override
    protected RunningServer start(Hotswap hotswap, TestRoutes app) throws Exception {
        return TomcatServer.start(hotswap, app, false);
    }

    @Override
    protected int status(Ending ending) {
        return switch (ending) {
            case THROWS, FAILS -> HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
            case RESPONDS_THEN_THROWS -> HttpServletResponse.SC_NO_CONTENT;
            case DECLINES -> HttpServletResponse.SC_OK;
        };
    }
}
