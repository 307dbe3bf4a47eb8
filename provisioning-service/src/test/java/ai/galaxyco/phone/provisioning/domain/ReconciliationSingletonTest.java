package ai.galaxyco.phone.provisioning.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.kit.domain.ClusterSingleton;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With two instances, reconciliation runs on one at a time: the other's pass is skipped (or its confirmation answered
 * 409), and when the instance holding the pass dies its database session ends and the next pass runs.
 */
@QuarkusTest
class ReconciliationSingletonTest {

    @Inject
    ClusterSingleton singleton;

    @Inject
    Reconciler reconciler;

    @Inject
    AgroalDataSource dataSource;

    /** What another instance's running pass looks like to the database: a session holding the job's advisory lock. */
    Connection anotherInstanceRunning(String job) throws Exception {
        Connection session = dataSource.getConnection();
        try (ResultSet r = session.createStatement().executeQuery("select pg_try_advisory_lock(" + 0x4743 + ", " + job.hashCode() + ")")) {
            assertTrue(r.next() && r.getBoolean(1), "the other instance took the lock");
        }
        return session;
    }

    @Test
    void aJobRunsOnOneInstanceAtATime() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> singleton.runAlone("test.job", () -> {
            running.countDown();
            try {
                finish.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertTrue(running.await(30, TimeUnit.SECONDS));
        assertFalse(singleton.runAlone("test.job", () -> { }), "skipped while the first runs");
        assertTrue(singleton.runAlone("another.job", () -> { }), "other jobs are not held up");
        finish.countDown();
        assertTrue(first.get(30, TimeUnit.SECONDS));
        assertTrue(singleton.runAlone("test.job", () -> { }), "runs once the first has finished");
    }

    /**
     * Two instances each fire a periodic job on their own schedule: one run per period between them. Here the two
     * "instances" are two callers on one database; the second asks a moment after the first, as another scheduler would.
     */
    @Test
    void aPeriodicJobRunsOncePerPeriodAcrossInstances() throws Exception {
        String job = "test.periodic-" + System.nanoTime();
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        java.time.Duration period = java.time.Duration.ofSeconds(2);
        assertTrue(singleton.runOncePer(job, period, runs::incrementAndGet), "the first instance claims the period");
        assertFalse(singleton.runOncePer(job, period, runs::incrementAndGet), "the second instance's turn in the same period");
        assertEquals(1, runs.get());
        // the next period: whichever instance fires first runs it, the other skips
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> singleton.runOncePer(job, period, runs::incrementAndGet));
        assertFalse(singleton.runOncePer(job, period, runs::incrementAndGet));
        assertEquals(2, runs.get());
    }

    @Test
    void reconciliationWaitsForTheInstanceRunningItAndTakesOverWhenThatInstanceDies() throws Exception {
        Connection otherInstance = anotherInstanceRunning("provisioning.reconciliation");
        try {
            assertThrows(Reconciler.AlreadyRunning.class, () -> reconciler.reconcile(Reconciler.Mode.REPORT));
        } finally {
            otherInstance.unwrap(Connection.class).close(); // the instance dies: its session, and the lock, end
            otherInstance.close();
        }
        // the server ends the dead session (and frees its lock) a moment after the client's close returns
        assertEquals("REPORTED", org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .ignoreException(Reconciler.AlreadyRunning.class)
                .until(() -> reconciler.reconcile(Reconciler.Mode.REPORT).outcome(), java.util.Objects::nonNull));
    }
}
