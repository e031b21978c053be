package dev.hotswap.quarkus;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.TestRoutes;

/**
 * The engine and test app of the {@link QuarkusAdapterTest} case running now: AdapterContract makes
 * a new engine per case, while the Quarkus application boots once per test class, so its routes and
 * its {@link RequestGate} find the case's through here.
 */
final class ContractApp {
    record Installed(Hotswap hotswap, TestRoutes app, RequestGate gate) {
    }

    private static volatile Installed current;

    private ContractApp() {
    }

    static void install(Hotswap hotswap, TestRoutes app) {
        current = new Installed(hotswap, app, new RequestGate(hotswap.gate()));
    }

    static void uninstall() {
        current = null;
    }

    static Installed current() {
        Installed installed = current;
        if (installed == null) {
            throw new IllegalStateException("no AdapterContract case is running");
        }
        return installed;
    }
}
