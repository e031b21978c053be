package dev.hotswap.demo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * A parameterized end-to-end test's {@link Server} argument: the servers this run covers, as
 * {@link ServerSample} chooses them (Jetty and one other by default, every server with
 * {@code -Dhotswap.e2e.servers=all}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ArgumentsSource(ServerSample.class)
@interface Servers {
}
