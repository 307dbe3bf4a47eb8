package ai.galaxyco.phone.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.testsupport.SchemaUpgrade;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The upgrade to inboxes (V4) keeps every conversation and message, read back row by row. */
@QuarkusTest
class InboxMigrationTest {

    @Test
    void conversationsOfTheOneNumberEraLandInTheirNumbersInboxAndNothingIsLost() throws Exception {
        try (SchemaUpgrade upgrade = SchemaUpgrade.onTestDatabase()) {
            upgrade.migrateTo("3");
            upgrade.execute(
                    "insert into number_assignment values ('+12125550001', '+12125550001', 'org_a', 'Sales', false, 'PN1', null, now()),"
                            + " ('+14056940235#org_b', '+14056940235', 'org_b', 'Main', true, null, null, now())",
                    "insert into conversation values "
                            + "('00000000-0000-0000-0000-000000000001', 'org_a', '+14155550100', '+12125550001', 'SMS', now(), now()),"
                            + "('00000000-0000-0000-0000-000000000002', 'org_b', '+14155550100', '+14056940235', 'SMS', now(), now()),"
                            + "('00000000-0000-0000-0000-000000000003', 'org_a', '+14155550101', '+12125550009', 'SMS', now(), now())",
                    "insert into conversation_message (conversation_id, direction, provider_sid, body, status, occurred_at, created_at) values "
                            + "('00000000-0000-0000-0000-000000000001', 'INBOUND', 'SM1', 'hi', 'received', '2026-11-01T10:00:00Z', now()),"
                            + "('00000000-0000-0000-0000-000000000001', 'OUTBOUND', 'SM2', 'hello', 'DELIVERED', '2026-11-01T10:01:00Z', now()),"
                            + "('00000000-0000-0000-0000-000000000002', 'INBOUND', 'SM3', 'yo', 'received', '2026-11-02T10:00:00Z', now())");
            upgrade.migrateTo("latest");
            assertEquals(List.of(
                    "00000000-0000-0000-0000-000000000001 org_a +12125550001 Sales 2026-11-01 10:00:00+00 read",
                    "00000000-0000-0000-0000-000000000002 org_b +14056940235 Main 2026-11-02 10:00:00+00 read",
                    "00000000-0000-0000-0000-000000000003 org_a +12125550009 Main null read"),
                    upgrade.rows("select id, workspace_id, our_number, inbox, to_char(last_inbound_at at time zone 'UTC', "
                            + "'YYYY-MM-DD HH24:MI:SS+00'), case when last_inbound_at is null or last_read_at >= last_inbound_at "
                            + "then 'read' else 'unread' end from conversation order by id"));
            assertEquals(List.of("SM1 INBOUND hi", "SM2 OUTBOUND hello", "SM3 INBOUND yo"),
                    upgrade.rows("select provider_sid, direction, body from conversation_message order by provider_sid"));
        }
    }
}
