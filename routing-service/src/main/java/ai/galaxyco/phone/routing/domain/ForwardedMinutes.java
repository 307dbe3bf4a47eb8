package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.kit.messaging.Outbox;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.ForwardingUsage;
import ai.galaxyco.phone.model.values.WorkspaceId;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Counts how long each workspace's forwarded calls lasted, per UTC day, and publishes the day's total on the compacted
 * forwarding-usage topic, from which the gateway bounds the next forwarded call (FORWARD_DAILY_MINUTES_&lt;PLAN&gt;). A call
 * counts once its two events are both here, the FORWARDED call from inbound-calls and its final status (with
 * {@code CallDuration}) from call-status, in either order, and never twice: the call's row takes the seconds once.
 * A call whose two events were committed at the same moment is counted by the sweep ({@link #countPending}).
 */
@ApplicationScoped
public class ForwardedMinutes {

    /** The statuses after which a call's duration no longer changes. */
    static final Set<String> FINAL = Set.of("completed", "busy", "no-answer", "failed", "canceled");

    private final EntityManager em;
    private final Outbox outbox;
    private final Clock clock;

    public ForwardedMinutes(EntityManager em, Outbox outbox, Clock clock) {
        this.em = em;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** A call status callback: a final one is kept (the first final one wins) and completes the call's count. */
    public void recordStatus(CallStatusChanged status) {
        String name = status.status() == null ? "" : status.status().toLowerCase(Locale.ROOT);
        if (status.callSid() == null || !FINAL.contains(name)) {
            return; // ringing, answered, in-progress: no duration yet
        }
        em.createNativeQuery("insert into call_status (call_sid, status, duration_seconds, reported_at) values (?1, ?2, ?3, ?4) "
                + "on conflict (call_sid) do nothing")
                .setParameter(1, status.callSid()).setParameter(2, name)
                .setParameter(3, status.durationSeconds() == null ? 0 : Math.max(0, status.durationSeconds()))
                .setParameter(4, Timestamp.from(status.reportedAt() != null ? status.reportedAt() : clock.instant())).executeUpdate();
        count(status.callSid());
    }

    /**
     * Adds the call's seconds to its workspace's day once both of its events are here; does nothing otherwise, or when
     * they were counted before. The update takes the call's row, so two consumers cannot both count it.
     */
    public void count(String callSid) {
        countWhere("c.call_sid = ?1", callSid);
    }

    /**
     * Counts every forwarded call whose two events are both here and which is not counted yet. The two events come on
     * two topics, so their consumers may commit at the same moment, each before seeing the other's row: then neither
     * counted the call, and this sweep does, a few seconds later. Safe on every instance at once (the same row lock).
     */
    @Scheduled(every = "${routing.forwarded-minutes-sweep:2s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void countPending() {
        try {
            QuarkusTransaction.requiringNew().run(() -> countWhere("true", null));
        } catch (RuntimeException e) {
            Log.debugf("forwarded-minutes sweep failed, the next one retries: %s", e.getMessage()); // e.g. the database is down
        }
    }

    private void countWhere(String condition, String callSid) {
        var query = em.createNativeQuery("update inbound_call c set forwarded_seconds = s.duration_seconds "
                + "from call_status s where " + condition + " and c.disposition = 'FORWARDED' and c.forwarded_seconds is null "
                + "and c.workspace_id is not null and s.call_sid = c.call_sid "
                + "returning c.workspace_id, to_char(c.received_at at time zone 'UTC', 'YYYY-MM-DD'), c.forwarded_seconds");
        if (callSid != null) {
            query.setParameter(1, callSid);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> counted = query.getResultList();
        for (Object[] call : counted) {
            String workspaceId = (String) call[0];
            LocalDate day = LocalDate.parse((String) call[1]); // the UTC day the call came in
            long total = ((Number) em.createNativeQuery("insert into forwarding_usage (workspace_id, day, forwarded_seconds) "
                    + "values (?1, ?2, ?3) on conflict (workspace_id, day) do update set forwarded_seconds = "
                    + "forwarding_usage.forwarded_seconds + excluded.forwarded_seconds returning forwarded_seconds")
                    .setParameter(1, workspaceId).setParameter(2, day).setParameter(3, ((Number) call[2]).longValue())
                    .getSingleResult()).longValue();
            var usage = new ForwardingUsage(WorkspaceId.of(workspaceId), day, total, clock.instant());
            outbox.publish(Topics.FORWARDING_USAGE, usage.key(), usage);
        }
    }
}
