package ai.galaxyco.phone.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * An upgrade rehearsed on a schema of its own: migrated to the previous version, filled the way that version wrote
 * its rows, migrated to the latest and read back. It uses connections of its own, never the application's pool
 * (Flyway and the test set search_path on them), and drops the schema when closed.
 */
public final class SchemaUpgrade implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final String schema = "upgrade_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    public SchemaUpgrade(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** On the database of the running test application (its quarkus.datasource settings). */
    public static SchemaUpgrade onTestDatabase() {
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return new SchemaUpgrade(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null));
    }

    /** Migrates the schema to {@code version} ("latest" for all) with the service's and the kit's migrations. */
    public void migrateTo(String version) {
        Flyway.configure().dataSource(url, user, password).schemas(schema).locations("db/migration", "db/kit").target(version)
                .load().migrate();
    }

    /** Runs statements in the schema. */
    public void execute(String... statements) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** Every row of {@code sql}, its columns joined by single spaces. */
    public List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
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

    private Connection connection() throws SQLException {
        Connection c = DriverManager.getConnection(url, user, password);
        try (Statement s = c.createStatement()) {
            s.execute("set search_path to " + schema);
        }
        return c;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
        }
    }
}
