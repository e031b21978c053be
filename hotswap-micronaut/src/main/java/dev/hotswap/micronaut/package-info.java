/**
 * Runs the hotswap engine in a Micronaut 4 application from the {@code hotswap.*} properties
 * ({@link dev.hotswap.micronaut.HotswapConfiguration}, {@link dev.hotswap.micronaut.DatabaseConfiguration}):
 * the engine as a bean started and closed with the application context, a {@code DataSource} bean
 * {@code @Named} after each database, the {@link dev.hotswap.micronaut.HotswapServerFilter} on every
 * request, and, when present, a health indicator and the engine's meters. Add the dependency and
 * <pre>
 * hotswap.databases.main.path=db/main.sqlite3
 * </pre>
 * then inject {@code @Named("main") DataSource}.
 */
package dev.hotswap.micronaut;
