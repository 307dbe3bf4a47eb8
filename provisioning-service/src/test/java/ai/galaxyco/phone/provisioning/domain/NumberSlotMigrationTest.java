package ai.galaxyco.phone.provisioning.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.testsupport.SchemaUpgrade;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The upgrade to number slots (V4) keeps every workspace, number and purchase in flight: a schema of its own is
 * migrated to V3, filled the way the one-number version wrote its rows, migrated to the latest version and read back.
 */
@QuarkusTest
class NumberSlotMigrationTest {

    @Test
    void everyWorkspaceThatWantsANumberGetsItsMainSlotWithItsPurchaseState() throws Exception {
        try (SchemaUpgrade upgrade = SchemaUpgrade.onTestDatabase()) {
            upgrade.migrateTo("3");
            upgrade.execute("insert into workspace (id, plan, preferred_area_code, lifecycle_version, deleted, status, on_shared_number, "
                    + "attempts, next_attempt_at, last_error_code, last_error, created_at, updated_at, lease_token) values "
                    + "('org_active', 'PRO', '646', 1, false, 'ACTIVE', false, 1, null, null, null, now(), now(), null),"
                    + "('org_failed', 'ENTERPRISE', '212', 1, false, 'FAILED', false, 3, '2026-11-25T12:00:00Z', '20500', 'boom', now(), now(), null),"
                    + "('org_buying', 'PRO', null, 1, false, 'PROVISIONING', false, 0, '2026-11-25T12:05:00Z', null, null, now(), now(), 'job-1'),"
                    + "('org_starter', 'STARTER', null, 1, false, 'SHARED', true, 0, null, null, null, now(), now(), null),"
                    + "('org_gone', 'PRO', null, 1, true, 'REMOVED', false, 1, null, null, null, now(), now(), null)",
                    "insert into phone_number (workspace_id, e164, provider_sid, label, status, purchased_at) values "
                    + "('org_active', '+16465550001', 'PN1', 'Main', 'ACTIVE', now()),"
                    + "('org_gone', '+16465550002', 'PN2', 'Main', 'RELEASED', now())");
            upgrade.migrateTo("latest");
            assertEquals(List.of(
                    "org_active Main ACTIVE 646 1 null null null +16465550001",
                    "org_buying Main PROVISIONING null 0 2026-11-25 12:05:00 job-1 null null",
                    "org_failed Main FAILED 212 3 2026-11-25 12:00:00 null 20500 null"),
                    upgrade.rows("select s.workspace_id, s.label, s.status, s.preferred_area_code, s.attempts, "
                            + "to_char(s.next_attempt_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), s.lease_token, s.last_error_code, "
                            + "n.e164 from number_slot s left join phone_number n on n.id = s.phone_number_id order by s.workspace_id"));
            assertEquals(List.of("org_active +16465550001 ACTIVE", "org_gone +16465550002 RELEASED"),
                    upgrade.rows("select workspace_id, e164, status from phone_number order by workspace_id"));
            assertEquals(List.of("org_active ACTIVE", "org_buying PROVISIONING", "org_failed FAILED", "org_gone REMOVED",
                    "org_starter SHARED"), upgrade.rows("select id, status from workspace order by id"));
        }
    }
}
