package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.domain.AdvisoryLock;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Which sender numbers this instance may send from, so that with several instances a number is paced by one of them
 * only. Sender numbers hash into {@link #BUCKETS} buckets; an instance sends only from buckets it holds a PostgreSQL
 * session advisory lock on, on a connection of its own. Every second each instance writes its row in
 * {@code dispatcher_instance} and keeps its fair share (buckets / instances alive, rounded up): it gives back buckets
 * beyond it and takes free ones. A bucket just taken is used only after the handover delay, so that the previous
 * owner's last claimed messages have left (no burst above the carrier rate). An instance that dies (kill -9) loses its
 * connection and with it its locks; the others take its buckets at their next turn.
 */
@ApplicationScoped
public class LaneOwnership {

    public static final int BUCKETS = 64;
    private static final AdvisoryLock LANE_LOCK = AdvisoryLock.DISPATCH_LANE;
    private static final Duration REFRESH = Duration.ofSeconds(1);
    /** An instance not heard of this long is gone (its row is kept a while longer for the handover check). */
    private static final Duration ALIVE = Duration.ofSeconds(5);

    private final AgroalDataSource dataSource;
    private final Clock clock;
    private final Duration handover;
    private final MeterRegistry registry;
    private final String instanceId = UUID.randomUUID().toString();
    /** Buckets held, and since when. Guarded by this. */
    private final TreeMap<Integer, Instant> owned = new TreeMap<>();
    private Connection connection;
    private Instant lastRefresh = Instant.EPOCH;

    public LaneOwnership(AgroalDataSource dataSource, Clock clock, OutboundConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.handover = config.pacing().handover();
        this.registry = registry;
        registry.gauge("outbound.lanes.owned", owned, TreeMap::size);
    }

    /** A message's bucket, computed in the database from its sender number. */
    public static final String SQL_BUCKET = "mod(abs(hashtext(from_number)::bigint), " + BUCKETS + ")";

    /** The buckets this instance may send from now (refreshing ownership when a second has passed). */
    public synchronized List<Integer> usable() {
        Instant now = clock.instant();
        if (Duration.between(lastRefresh, now).compareTo(REFRESH) >= 0) {
            lastRefresh = now;
            refresh(now);
        }
        return owned.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(e -> e.getKey()).toList();
    }

    /** Buckets held (usable or still in their handover), for tests and metrics. */
    public synchronized List<Integer> held() {
        return List.copyOf(owned.keySet());
    }

    synchronized void refresh(Instant now) {
        try {
            if (connection == null || connection.isClosed()) {
                connection = dataSource.getConnection();
                connection.setAutoCommit(true);
            }
            update("insert into dispatcher_instance (id, seen_at) values (?, now()) on conflict (id) do update set seen_at = now()",
                    instanceId);
            update("delete from dispatcher_instance where seen_at < now() - interval '1 minute'", null);
            int alive = count("select count(*) from dispatcher_instance where seen_at > now() - make_interval(secs => ?)",
                    ALIVE.toSeconds());
            int target = (BUCKETS + Math.max(alive, 1) - 1) / Math.max(alive, 1);
            while (owned.size() > target) {
                int bucket = owned.lastKey();
                owned.remove(bucket); // stop claiming from it before another instance can take it
                LANE_LOCK.unlock(connection, bucket);
            }
            // the first buckets ever taken while no other instance was heard of lately need no handover
            boolean alone = count("select count(*) from dispatcher_instance where id <> ? and seen_at > now() - make_interval(secs => ?)",
                    instanceId, ALIVE.plus(handover).toSeconds()) == 0;
            Instant usableFrom = alone && owned.isEmpty() ? now : now.plus(handover);
            for (int bucket = 0; bucket < BUCKETS && owned.size() < target; bucket++) {
                if (!owned.containsKey(bucket) && LANE_LOCK.tryLock(connection, bucket)) {
                    owned.put(bucket, usableFrom);
                }
            }
        } catch (SQLException e) {
            // without its connection this instance holds no lock any more: it sends nothing until it has them again
            Log.warnf("Lane ownership lost (%s); sending from no number until the database answers", e.getMessage());
            registry.counter("outbound.lanes.lost").increment();
            owned.clear();
            try {
                count("select count(*) from (select pg_advisory_unlock_all()) unlocked"); // if the session still lives
            } catch (SQLException | RuntimeException ignored) {
                // the session is gone, and its locks with it
            }
            closeConnection();
        }
    }

    void release(@Observes ShutdownEvent event) {
        close();
    }

    /** Gives every bucket back at once and leaves the instance list (a process that dies loses its locks with its connections). */
    public void close() {
        synchronized (this) {
            owned.clear();
            try {
                if (connection != null && !connection.isClosed()) {
                    update("delete from dispatcher_instance where id = ?", instanceId);
                    // the pool keeps the physical connection (and would keep session locks on it): unlock them here
                    count("select count(*) from (select pg_advisory_unlock_all()) unlocked");
                }
            } catch (SQLException e) {
                Log.debugf("could not remove this instance's row: %s", e.getMessage());
            }
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            Log.debugf("closing the lane connection: %s", e.getMessage());
        }
        connection = null;
    }

    private void update(String sql, String parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setString(1, parameter);
            }
            statement.executeUpdate();
        }
    }

    private int count(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }
}
