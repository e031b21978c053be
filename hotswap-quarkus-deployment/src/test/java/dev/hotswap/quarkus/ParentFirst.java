package dev.hotswap.quarkus;

/**
 * The jars the tests share with the application under QuarkusUnitTest, loaded parent-first rather
 * than again by Quarkus's class loader: JUnit hands a parameterized case an {@code Ending} of its own
 * loader, and sqlite-jdbc registers its driver with the {@code DriverManager} of the loader that
 * loaded it. The test kit, the engine its signatures name, and what the engine needs.
 */
final class ParentFirst {
    static final String PROPERTY = "quarkus.class-loading.parent-first-artifacts";
    // Compile-time constants, inlined where used: the tests' application holds only the classes it adds.
    static final String ARTIFACTS = "dev.hotswap:hotswap-testkit,dev.hotswap:hotswap-engine,dev.hotswap:hotswap-protocol,"
            + "org.xerial:sqlite-jdbc,io.github.java-diff-utils:java-diff-utils,"
            + "com.kohlschutter.junixsocket:junixsocket-common,com.kohlschutter.junixsocket:junixsocket-native-common";

    private ParentFirst() {
    }
}
