package dev.hotswap.quarkus;

import dev.hotswap.testkit.Await;
import dev.hotswap.testkit.Dataset;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;

/** An application's endpoint on the extension's beans alone: the gate is the extension's. */
@Path("/")
public class ExtensionResource {
    static final CountDownLatch HELD = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Inject
    @Named("production")
    DataSource production;

    @Inject
    DataSource unnamed;

    @GET
    @Path("items")
    public String items() throws SQLException {
        return Dataset.readItems(unnamed);
    }

    /** Reads once, waits for the test, reads again through the named bean. */
    @GET
    @Path("held")
    public String held() throws SQLException, InterruptedException {
        String first = Dataset.readItems(unnamed);
        HELD.countDown();
        Await.await(RELEASE, Await.PATIENCE, "the test to release /held");
        return first + "\n" + Dataset.readItems(production);
    }
}
