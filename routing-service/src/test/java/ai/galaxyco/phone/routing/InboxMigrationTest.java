package ai.galaxyco.phone.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The upgrade to inboxes (V4) keeps every conversation and message: a schema of its own is migrated to V3, filled
 * the way the previous version wrote its rows, then migrated to the latest version and read back row by row.
 */
@QuarkusTest
class InboxMigrationTest {

    // connections of their own, never the application's pool: Flyway and this test set search_path on them
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    java.util.Optional<String> password;

    Flyway flyway(String schema, String target) {
        return Flyway.configure().dataSource(url, user, password.orElse(null)).schemas(schema).locations("db/migration", "db/kit")
                .target(target).load();
    }

    Connection connection() throws Exception {
        return DriverManager.getConnection(url, user, password.orElse(null));
    }

    @Test
    void conversationsOfTheOneNumberEraLandInTheirNumbersInboxAndNothingIsLost() throws Exception {
        String schema = "upgrade_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        flyway(schema, "3").migrate();
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("set search_path to " + schema);
            s.execute("insert into number_assignment values ('+12125550001', '+12125550001', 'org_a', 'Sales', false, 'PN1', null, now()),"
                    + " ('+14056940235#org_b', '+14056940235', 'org_b', 'Main', true, null, null, now())");
            s.execute("insert into conversation values "
                    + "('00000000-0000-0000-0000-000000000001', 'org_a', '+14155550100', '+12125550001', 'SMS', now(), now()),"
                    + "('00000000-0000-0000-0000-000000000002', 'org_b', '+14155550100', '+14056940235', 'SMS', now(), now()),"
                    + "('00000000-0000-0000-0000-000000000003', 'org_a', '+14155550101', '+12125550009', 'SMS', now(), now())");
            s.execute("insert into conversation_message (conversation_id, direction, provider_sid, body, status, occurred_at, created_at) values "
                    + "('00000000-0000-0000-0000-000000000001', 'INBOUND', 'SM1', 'hi', 'received', '2026-11-01T10:00:00Z', now()),"
                    + "('00000000-0000-0000-0000-000000000001', 'OUTBOUND', 'SM2', 'hello', 'DELIVERED', '2026-11-01T10:01:00Z', now()),"
                    + "('00000000-0000-0000-0000-000000000002', 'INBOUND', 'SM3', 'yo', 'received', '2026-11-02T10:00:00Z', now())");
        }
        flyway(schema, "latest").migrate();
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("set search_path to " + schema);
            assertEquals(List.of(
                    "00000000-0000-0000-0000-000000000001 org_a +12125550001 Sales 2026-11-01 10:00:00+00 read",
                    "00000000-0000-0000-0000-000000000002 org_b +14056940235 Main 2026-11-02 10:00:00+00 read",
                    "00000000-0000-0000-0000-000000000003 org_a +12125550009 Main null read"),
                    rows(s, "select id, workspace_id, our_number, inbox, to_char(last_inbound_at at time zone 'UTC', "
                            + "'YYYY-MM-DD HH24:MI:SS+00'), case when last_inbound_at is null or last_read_at >= last_inbound_at "
                            + "then 'read' else 'unread' end from conversation order by id"));
            assertEquals(List.of("SM1 INBOUND hi", "SM2 OUTBOUND hello", "SM3 INBOUND yo"),
                    rows(s, "select provider_sid, direction, body from conversation_message order by provider_sid"));
            s.execute("drop schema " + schema + " cascade");
        }
    }

    static List<String> rows(Statement s, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery(sql)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? " " : "").append(r.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
