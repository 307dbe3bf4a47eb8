package ai.galaxyco.phone.kit.domain;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a job on one instance of a service at a time, however many run: the job holds a PostgreSQL session-level
 * advisory lock named after it on a connection of its own for as long as it runs. Another instance (or thread) finds
 * the lock taken and skips its turn. A process that dies mid-job loses its connection, and with it the lock, so the
 * next instance's turn runs: failover needs no lease to expire. A periodic job ({@link #runOncePer}) also runs once
 * per period across the instances, not once per instance: each instance's scheduler fires, the first claims the period.
 * Every turn is counted as {@code cluster_jobs_total{job, outcome=ran|skipped_running|skipped_ran_recently}}.
 */
@ApplicationScoped
public class ClusterSingleton {

    private static final AdvisoryLock JOB_LOCK = AdvisoryLock.CLUSTER_JOB;

    /** A period counts as claimed by a run that started within this share of it (schedulers drift a little). */
    private static final double PERIOD_SLACK = 0.9;

    private final AgroalDataSource dataSource;
    private final MeterRegistry registry;

    public ClusterSingleton(AgroalDataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
    }

    /**
     * Runs the periodic {@code job} unless another instance runs it now or one ran it less than (nearly) a
     * {@code period} ago; false when skipped. The last start is kept in {@code cluster_job} (kit migration).
     */
    public boolean runOncePer(String name, Duration period, Runnable job) {
        int key = AdvisoryLock.keyOf(name);
        try (Connection connection = dataSource.getConnection()) {
            if (!JOB_LOCK.tryLock(connection, key)) {
                count(name, "skipped_running");
                return false;
            }
            try {
                if (!claimPeriod(connection, name, period)) {
                    count(name, "skipped_ran_recently");
                    return false;
                }
                job.run();
                count(name, "ran");
                return true;
            } finally {
                JOB_LOCK.unlock(connection, key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the cluster lock of " + name + " could not be taken: " + e.getMessage(), e);
        }
    }

    /** Records this run's start unless a run started within the period; the connection commits it at once. */
    private static boolean claimPeriod(Connection connection, String name, Duration period) throws SQLException {
        long sinceMillis = (long) (period.toMillis() * PERIOD_SLACK);
        try (PreparedStatement claim = connection.prepareStatement("insert into cluster_job (job, last_run_at) values (?, now()) "
                + "on conflict (job) do update set last_run_at = now() "
                + "where cluster_job.last_run_at < now() - make_interval(secs => ?) returning job")) {
            claim.setString(1, name);
            claim.setDouble(2, sinceMillis / 1000.0);
            try (ResultSet result = claim.executeQuery()) {
                return result.next();
            }
        }
    }

    private void count(String name, String outcome) {
        registry.counter("cluster.jobs", "job", name, "outcome", outcome).increment();
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
        int key = AdvisoryLock.keyOf(name);
        try (Connection connection = dataSource.getConnection()) {
            if (!JOB_LOCK.tryLock(connection, key)) {
                count(name, "skipped_running");
                return Optional.empty();
            }
            try {
                count(name, "ran");
                return Optional.ofNullable(job.get());
            } finally {
                JOB_LOCK.unlock(connection, key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the cluster lock of " + name + " could not be taken: " + e.getMessage(), e);
        }
    }
}
