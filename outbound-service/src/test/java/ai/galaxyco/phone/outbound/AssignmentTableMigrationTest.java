package ai.galaxyco.phone.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.testsupport.SchemaUpgrade;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The move of outbound's sender numbers into the kit's number_assignment table (V6) keeps every row. */
@QuarkusTest
class AssignmentTableMigrationTest {

    @Test
    void everySenderNumberIsKeptWithItsKeyLabelAndSharedFlag() throws Exception {
        try (SchemaUpgrade upgrade = SchemaUpgrade.onTestDatabase()) {
            upgrade.migrateTo("5");
            upgrade.execute("insert into sender_number values "
                    + "('+12125550001', '+12125550001', 'org_a', 'Main', false, '2026-11-01T10:00:00Z'),"
                    + "('+12125550002', '+12125550002', 'org_a', 'Sales', false, '2026-11-02T10:00:00Z'),"
                    + "('+14056940235#org_b', '+14056940235', 'org_b', 'Main', true, '2026-11-03T10:00:00Z')");
            upgrade.migrateTo("latest");
            assertEquals(List.of(
                    "+12125550001 +12125550001 org_a Main f 2026-11-01 10:00:00",
                    "+12125550002 +12125550002 org_a Sales f 2026-11-02 10:00:00",
                    "+14056940235#org_b +14056940235 org_b Main t 2026-11-03 10:00:00"),
                    upgrade.rows("select assignment_key, e164, workspace_id, label, shared, "
                            + "to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') from number_assignment order by assignment_key"));
            assertEquals(List.of(), upgrade.rows("select table_name from information_schema.tables where table_name = 'sender_number' "
                    + "and table_schema = current_schema()"));
        }
    }
}
