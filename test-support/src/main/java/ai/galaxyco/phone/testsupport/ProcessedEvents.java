package ai.galaxyco.phone.testsupport;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Waits until the service under test has consumed given events, read from its {@code processed_event} table (every
 * idempotent consumer records the ids it handled). A test that asserts "this later event changed nothing" waits here
 * first, so it asserts after the event was read rather than after a guess at how long that takes.
 */
public final class ProcessedEvents {

    private ProcessedEvents() {
    }

    public static void awaitConsumed(Duration timeout, String... eventIds) {
        await().atMost(timeout).until(() -> consumed(List.of(eventIds)) == eventIds.length);
    }

    private static int consumed(List<String> eventIds) throws SQLException {
        Config config = ConfigProvider.getConfig();
        String schema = config.getOptionalValue("quarkus.datasource.jdbc.additional-jdbc-properties.currentSchema", String.class)
                .orElse("public");
        try (Connection connection = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement query = connection.prepareStatement("select count(distinct event_id) from " + schema
                        + ".processed_event where event_id = any (?)")) {
            query.setArray(1, connection.createArrayOf("text", eventIds.toArray()));
            try (ResultSet count = query.executeQuery()) {
                count.next();
                return count.getInt(1);
            }
        }
    }
}
