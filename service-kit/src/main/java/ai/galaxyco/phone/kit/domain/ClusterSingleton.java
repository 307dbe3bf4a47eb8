package ai.galaxyco.phone.kit.domain;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a job on one instance of a service at a time, however many run: the job holds a PostgreSQL session-level
 * advisory lock named after it on a connection of its own for as long as it runs. Another instance (or thread) finds
 * the lock taken and skips its turn. A process that dies mid-job loses its connection, and with it the lock, so the
 * next instance's turn runs: failover needs no lease to expire.
 */
@ApplicationScoped
public class ClusterSingleton {

    /** The advisory-lock class of GalaxyCo jobs ("GC"), so the second key is free for the job's name. */
    public static final int LOCK_CLASS = 0x4743;

    private final AgroalDataSource dataSource;

    public ClusterSingleton(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code job} unless another instance runs the job called {@code name} now; false when skipped. */
    public boolean runAlone(String name, Runnable job) {
        return callAlone(name, () -> {
            job.run();
            return Boolean.TRUE;
        }).isPresent();
    }

    /** {@link #runAlone} with a result; empty when another instance holds the job. */
    public <T> Optional<T> callAlone(String name, Supplier<T> job) {
        int key = keyOf(name);
        try (Connection connection = dataSource.getConnection()) {
            if (!advisory(connection, "select pg_try_advisory_lock(?, ?)", key)) {
                return Optional.empty();
            }
            try {
                return Optional.ofNullable(job.get());
            } finally {
                advisory(connection, "select pg_advisory_unlock(?, ?)", key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the cluster lock of " + name + " could not be taken: " + e.getMessage(), e);
        }
    }

    private static boolean advisory(Connection connection, String sql, int key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, LOCK_CLASS);
            statement.setInt(2, key);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    /** A stable key per name (String.hashCode is specified, so every instance and version agrees on it). */
    static int keyOf(String name) {
        return name.hashCode();
    }
}
