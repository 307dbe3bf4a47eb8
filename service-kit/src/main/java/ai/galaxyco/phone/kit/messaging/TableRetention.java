package ai.galaxyco.phone.kit.messaging;

import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * A {@link RetentionRule} for a table whose rows all go once one time column is older than the cutoff: a module
 * declares its rule as a bean extending this, naming the job, the rows, how long they are kept, the table and the
 * column.
 */
public abstract class TableRetention implements RetentionRule {

    private final String jobName;
    private final String rows;
    private final Duration keptFor;
    private final String table;
    private final String timeColumn;

    protected TableRetention(String jobName, String rows, Duration keptFor, String table, String timeColumn) {
        this.jobName = jobName;
        this.rows = rows;
        this.keptFor = keptFor;
        this.table = table;
        this.timeColumn = timeColumn;
    }

    @Override
    public String jobName() {
        return jobName;
    }

    @Override
    public String rows() {
        return rows;
    }

    @Override
    public Duration keptFor() {
        return keptFor;
    }

    @Override
    public int deleteBatch(EntityManager em, Timestamp cutoff, int batch) {
        return RetentionRule.deleteOlderThan(em, table, timeColumn, cutoff, batch);
    }
}
