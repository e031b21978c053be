package dev.hotswap.quarkus;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.AdapterContract;
import dev.hotswap.testkit.Ending;
import dev.hotswap.testkit.RunningServer;
import dev.hotswap.testkit.TestRoutes;
import io.quarkus.test.QuarkusUnitTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The adapter contract on Quarkus: one application (Vert.x routes and Quarkus REST, the extension
 * installed with a database of its own) boots for the class; each case installs its engine and a
 * {@link RequestGate} of it in front of every route, and closes the engine when it stops.
 */
class QuarkusAdapterTest extends AdapterContract {
    @RegisterExtension
    static final QuarkusUnitTest QUARKUS = new QuarkusUnitTest()
            .overrideConfigKey(ParentFirst.PROPERTY, ParentFirst.ARTIFACTS)
            .withApplicationRoot(jar -> jar.addClasses(ContractApp.class, ContractApp.Installed.class,
                    ContractRoutes.class, ContractResource.class))
            .overrideConfigKey("quarkus.hotswap.databases.fixture.path", fixtureDatabase().toString())
            .overrideConfigKey("quarkus.hotswap.databases.fixture.create-if-missing", "true")
            .overrideConfigKey("quarkus.hotswap.socket-enabled", "false")
            .overrideConfigKey("quarkus.http.test-port", "0");

    private static Path fixtureDatabase() {
        try {
            return Files.createTempDirectory("hotswap-quarkus").resolve("fixture.sqlite3");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected RunningServer start(Hotswap hotswap, TestRoutes app) throws Exception {
        hotswap.start();
        ContractApp.install(hotswap, app);
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return new RunningServer(port, () -> {
            ContractApp.uninstall();
            hotswap.close();
        });
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
