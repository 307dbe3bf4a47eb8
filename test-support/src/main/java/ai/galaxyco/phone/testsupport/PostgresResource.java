package ai.galaxyco.phone.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A fresh, empty PostgreSQL database for each test run, on a real server:
 * <ol>
 * <li>the server named by {@code TEST_PG_HOST}/{@code TEST_PG_PORT}/{@code TEST_PG_USER} if given, else the
 * local one on 127.0.0.1:5432 (user {@code root}, then {@code postgres}) when it answers;</li>
 * <li>otherwise a throwaway cluster made with the local PostgreSQL binaries ({@code initdb}, run as the
 * {@code postgres} user when we are root; {@code PG_BIN} overrides where they are).</li>
 * </ol>
 * The database is dropped (or the cluster deleted) when the tests end. No Docker engine is needed;
 * Testcontainers would be the third choice but is not wired up because these machines never have one.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private String adminUrl;
    private String user;
    private String database;
    private Path clusterDir;
    private String pgBin;

    @Override
    public Map<String, String> start() {
        String host = env("TEST_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("TEST_PG_PORT", "5432"));
        try {
            if (reachable(host, port)) {
                connectToExisting(host, port);
            } else {
                startThrowawayCluster();
            }
            database = "gc_test_" + moduleName() + "_" + UUID.randomUUID().toString().substring(0, 8);
            try (Connection c = DriverManager.getConnection(adminUrl, user, "")) {
                c.createStatement().execute("create database " + database);
            }
            String jdbc = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
            return Map.of("quarkus.datasource.jdbc.url", jdbc, "quarkus.datasource.username", user,
                    "quarkus.datasource.password", "");
        } catch (Exception e) {
            throw new IllegalStateException("cannot provide a PostgreSQL database for the tests", e);
        }
    }

    private void connectToExisting(String host, int port) throws SQLException {
        adminUrl = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        List<String> users = System.getenv("TEST_PG_USER") != null ? List.of(System.getenv("TEST_PG_USER"))
                : List.of("root", "postgres");
        SQLException last = null;
        for (String candidate : users) {
            try (Connection c = DriverManager.getConnection(adminUrl, candidate, "")) {
                user = candidate;
                return;
            } catch (SQLException e) {
                last = e;
            }
        }
        throw last;
    }

    private void startThrowawayCluster() throws IOException, InterruptedException {
        pgBin = System.getenv("PG_BIN") != null ? System.getenv("PG_BIN") : findPgBin();
        clusterDir = Files.createTempDirectory("pg-test-");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", clusterDir.toString()), false);
        }
        int port = TestPorts.free();
        Path data = clusterDir.resolve("data");
        run(List.of(pgBin + "/initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--no-sync"), root);
        run(List.of(pgBin + "/pg_ctl", "-D", data.toString(), "-l", clusterDir.resolve("pg.log").toString(), "-w",
                "-t", "60", "-o", "-p " + port + " -k " + clusterDir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off",
                "start"), root);
        adminUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        user = "postgres";
    }

    @Override
    public void stop() {
        try {
            if (clusterDir != null) {
                boolean root = "root".equals(System.getProperty("user.name"));
                run(List.of(pgBin + "/pg_ctl", "-D", clusterDir.resolve("data").toString(), "-m", "immediate", "stop"), root);
                run(List.of("rm", "-rf", clusterDir.toString()), false);
            } else if (database != null) {
                try (Connection c = DriverManager.getConnection(adminUrl, user, "")) {
                    c.createStatement().execute("drop database if exists " + database + " with (force)");
                }
            }
        } catch (Exception e) {
            System.err.println("PostgresResource: cleanup failed: " + e.getMessage());
        }
    }

    private static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String findPgBin() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (var versions = Files.list(base)) {
                var newest = versions.map(p -> p.resolve("bin")).filter(p -> Files.exists(p.resolve("initdb")))
                        .max(Path::compareTo);
                if (newest.isPresent()) {
                    return newest.get().toString();
                }
            }
        }
        return Path.of("/usr/bin").toString();
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " failed: " + output);
        }
    }

    private static String moduleName() {
        return Path.of(System.getProperty("user.dir")).getFileName().toString()
                .replaceAll("[^A-Za-z0-9]", "_").toLowerCase(Locale.ROOT);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
