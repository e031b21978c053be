package dev.hotswap.quarkus;

import dev.hotswap.testkit.TestRoutes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;

/**
 * The test app's Quarkus REST routes: blocking endpoints (a worker thread) and a {@code Uni} resumed
 * on a worker through Vert.x, the hops the pin has to follow.
 */
@Path("/")
public class ContractResource {
    @Inject
    Vertx vertx;

    @GET
    @Path("items")
    public String items() throws SQLException {
        return app().items();
    }

    @POST
    @Path("items")
    public Response write(@QueryParam("note") String note) throws SQLException {
        return Response.status(201).entity(app().write(note)).build();
    }

    /** Non-blocking: the event loop, then a worker of Vert.x's, then back. */
    @GET
    @Path("checksum")
    public Uni<String> checksum() {
        return Uni.createFrom().completionStage(() -> vertx.executeBlocking(() -> app().checksum()).toCompletionStage());
    }

    @GET
    @Path("two-connections")
    public String twoConnections() throws SQLException, InterruptedException {
        return app().readTwiceAroundASwap();
    }

    private static TestRoutes app() {
        return ContractApp.current().app();
    }
}
