package ai.galaxyco.phone.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlConfigSourceTest {

    @Test
    void neonStyleUrlBecomesJdbcWithCredentials() {
        Map<String, String> p = DatabaseUrlConfigSource.toQuarkus(
                "postgres://alex:AbC%40123@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require");
        assertEquals("jdbc:postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require",
                p.get("quarkus.datasource.jdbc.url"));
        assertEquals("alex", p.get("quarkus.datasource.username"));
        assertEquals("AbC@123", p.get("quarkus.datasource.password"));
    }

    @Test
    void portAndPostgresqlSchemeAreKept() {
        Map<String, String> p = DatabaseUrlConfigSource.toQuarkus("postgresql://root@127.0.0.1:5432/routing");
        assertEquals("jdbc:postgresql://127.0.0.1:5432/routing", p.get("quarkus.datasource.jdbc.url"));
        assertEquals("root", p.get("quarkus.datasource.username"));
        assertTrue(!p.containsKey("quarkus.datasource.password"));
    }

    @Test
    void jdbcUrlPassesThroughAndOtherSchemesAreRefused() {
        assertEquals("jdbc:postgresql://h/db", DatabaseUrlConfigSource.toQuarkus("jdbc:postgresql://h/db")
                .get("quarkus.datasource.jdbc.url"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrlConfigSource.toQuarkus("mysql://h/db"));
    }

    @Test
    void absentVariableOffersNothing() {
        assertTrue(new DatabaseUrlConfigSource((String) null).getPropertyNames().isEmpty());
    }
}
