package dev.hotswap.quarkus;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** What {@link DevModeReloadTest} edits to make dev mode reload the application. */
@Path("/reload")
public class ReloadResource {
    @GET
    public String version() {
        return "one";
    }
}
