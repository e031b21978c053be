/**
 * The runtime half of the hotswap Quarkus extension (its build steps are in
 * {@code hotswap-quarkus-deployment}): the application adds the one dependency
 * {@code dev.hotswap:hotswap-quarkus} and names its databases,
 * <pre>
 * quarkus.hotswap.databases.production.path=db/production.sqlite3
 * </pre>
 * and gets the engine ({@link dev.hotswap.engine.Hotswap}, a {@code @Singleton} started with the
 * application and closed after its HTTP server), the {@link RequestGate} in front of every HTTP
 * request (Vert.x routes and Quarkus REST alike), a {@code DataSource} bean per database
 * ({@code @Named("production")}; with one database it is also the unnamed default) handing out the
 * connections of the request's generation, and, when those extensions are present, a SmallRye Health
 * readiness check and the Micrometer meters. {@link HotswapConfig} lists the properties.
 */
package dev.hotswap.quarkus;
