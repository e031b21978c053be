package dev.hotswap.demo;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * Which servers an end-to-end test runs on. Every test on every server is six JVMs per test and more
 * than the suite's time on two cores, so {@code mvn verify} runs each test on Jetty, the reference,
 * and on one other server in turn (the test's place among its class's tests, alphabetically, picks
 * it): every test runs on a real server twice, every server takes its share of every class.
 * {@code -Dhotswap.e2e.servers=all} runs the whole matrix (before a release, after a change to an
 * adapter or the demo); {@code -Dhotswap.e2e.servers=quarkus,micronaut} runs just those.
 */
final class ServerSample implements ArgumentsProvider {
    static final String PROPERTY = "hotswap.e2e.servers";

    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        return servers(context.getRequiredTestClass(), context.getRequiredTestMethod().getName()).stream()
                .map(Arguments::of);
    }

    /** The servers test {@code method} of {@code test} runs on in this run. */
    static List<Server> servers(Class<?> test, String method) {
        String chosen = System.getProperty(PROPERTY, "sample").trim().toLowerCase(Locale.ROOT);
        if (chosen.equals("all")) {
            return List.of(Server.values());
        }
        if (!chosen.equals("sample")) {
            return Arrays.stream(chosen.split(",")).map(name -> Server.valueOf(name.trim().toUpperCase(Locale.ROOT)))
                    .toList();
        }
        List<String> tests = Stream.concat(Stream.of(method), Arrays.stream(test.getDeclaredMethods())
                        .filter(m -> m.isAnnotationPresent(Servers.class)).map(Method::getName))
                .distinct().sorted().toList();
        Server[] others = Arrays.stream(Server.values()).filter(server -> server != Server.JETTY).toArray(Server[]::new);
        // Offset by the class, so that a class with fewer tests than servers still reaches the last ones.
        int turn = Math.floorMod(tests.indexOf(method) + test.getSimpleName().length(), others.length);
        return List.of(Server.JETTY, others[turn]);
    }
}
