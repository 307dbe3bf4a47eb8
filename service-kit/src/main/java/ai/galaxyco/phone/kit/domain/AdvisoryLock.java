package ai.galaxyco.phone.kit.domain;

import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Every kind of PostgreSQL advisory lock in the system. The first key is the kind's class (two letters, so
 * {@code pg_locks.classid} tells an operator whose lock it is), the second the thing locked: a number given by the
 * caller, or a name hashed one way everywhere ({@link #keyOf}). A new kind of lock is a new constant here.
 */
public enum AdvisoryLock {

    /** "GC": a cluster job ({@link ClusterSingleton}) or a service's outbox relay, by name. */
    CLUSTER_JOB(0x4743),
    /** "GD": one of outbound's dispatch lane buckets, held by the instance that sends for its numbers. */
    DISPATCH_LANE(0x4744),
    /** "GR": one of our numbers in routing, while a message to it or its assignment commits. */
    ROUTED_NUMBER(0x4752),
    /** "GW": one workspace's sending allowance in outbound (the Starter daily cap), while a send counted against it commits. */
    WORKSPACE_ALLOWANCE(0x4757),
    /** "GS": one provider sid in outbound, while its status report or the send that learnt it commits. */
    PROVIDER_SID(0x4753);

    private final int lockClass;

    AdvisoryLock(int lockClass) {
        this.lockClass = lockClass;
    }

    public int lockClass() {
        return lockClass;
    }

    /** The second key of a named lock: String.hashCode is specified, so every instance and version agrees on it. */
    public static int keyOf(String name) {
        return name.hashCode();
    }

    /** Waits for this kind's lock on {@code name}; it is held until the transaction ends. */
    public void lockForTransaction(EntityManager em, String name) {
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1, ?2)) locked").setParameter(1, lockClass)
                .setParameter(2, keyOf(name)).getSingleResult();
    }

    /** Takes this kind's lock on {@code name} until the transaction ends, unless another session holds it: false then. */
    public boolean tryLockForTransaction(EntityManager em, String name) {
        return Boolean.TRUE.equals(em.createNativeQuery("select pg_try_advisory_xact_lock(?1, ?2)").setParameter(1, lockClass)
                .setParameter(2, keyOf(name)).getSingleResult());
    }

    /** Takes this kind's lock on {@code key} for the connection's session, unless another session holds it: false then. */
    public boolean tryLock(Connection connection, int key) throws SQLException {
        return call(connection, "select pg_try_advisory_lock(?, ?)", key);
    }

    /** Gives back a session lock taken with {@link #tryLock}; false when this session did not hold it. */
    public boolean unlock(Connection connection, int key) throws SQLException {
        return call(connection, "select pg_advisory_unlock(?, ?)", key);
    }

    private boolean call(Connection connection, String sql, int key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, lockClass);
            statement.setInt(2, key);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }
}
