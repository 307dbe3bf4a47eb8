package ai.galaxyco.phone.kit.messaging;

import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * A table kept from growing forever. A module declares one as a bean; {@link Retention} runs every rule hourly, on
 * one instance at a time, deleting in small transactions so a large backlog never holds one long one.
 */
public interface RetentionRule {

    /** The cluster job's name (also in the log): stable, since {@code cluster_job} remembers each job's last run. */
    String jobName();

    /** What is deleted, for the log line: "processed-event ids", "status reports". */
    String rows();

    /** How long a row is kept. */
    Duration keptFor();

    /** Deletes at most {@code batch} rows older than {@code cutoff}; returns how many it deleted. */
    int deleteBatch(EntityManager em, Timestamp cutoff, int batch);

    /** {@link #deleteBatch} for a table whose rows all go once {@code timeColumn} is older than the cutoff. */
    static int deleteOlderThan(EntityManager em, String table, String timeColumn, Timestamp cutoff, int batch) {
        return em.createNativeQuery("delete from " + table + " where ctid in (select ctid from " + table + " where "
                + timeColumn + " < ?1 limit " + batch + ")").setParameter(1, cutoff).executeUpdate();
    }
}
