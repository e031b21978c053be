package dev.hotswap.demo.quarkus;

import dev.hotswap.demo.core.Items;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;

/** GET /health, GET /items, POST /items, on the extension's DataSource (blocking endpoints: a worker thread). */
@Path("/")
public class ItemsResource {
    @Inject
    Items items;

    @GET
    @Path("health")
    @Produces(MediaType.TEXT_PLAIN)
    public String health() {
        return "ok";
    }

    /** Every name, ordered by id, as a JSON array. */
    @GET
    @Path("items")
    @Produces(MediaType.APPLICATION_JSON)
    public String list() throws SQLException {
        return Items.json(items.names());
    }

    /** Inserts a row named by the request body. */
    @POST
    @Path("items")
    @Produces(MediaType.TEXT_PLAIN)
    public Response add(String name) throws SQLException {
        items.add(name);
        return Response.status(201).entity("created").build();
    }
}
