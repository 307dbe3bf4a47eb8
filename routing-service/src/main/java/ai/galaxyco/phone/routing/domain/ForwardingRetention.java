package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.kit.messaging.Outbox;
import ai.galaxyco.phone.kit.messaging.TableRetention;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.ForwardingUsage;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.routing.config.RoutingConfig;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;

/** What counting forwarded minutes keeps, each for FORWARDING_RETENTION (30 days); the gateway's budget reads only today's. */
public final class ForwardingRetention {

    private ForwardingRetention() {
    }

    /** The calls' final statuses. */
    @Singleton
    public static class CallStatuses extends TableRetention {

        public CallStatuses(RoutingConfig config) {
            super("routing.call-status-retention", "call statuses", config.forwardingRetention(), "call_status", "reported_at");
        }
    }

    /**
     * Each workspace's forwarded seconds per UTC day. A day's total leaves the compacted forwarding-usage topic with it
     * (a tombstone under its key), so the topic, and the gateway's copy of it, do not grow by a key a day for ever.
     */
    @Singleton
    public static class DailyTotals extends TableRetention {

        private final Outbox outbox;

        public DailyTotals(RoutingConfig config, Outbox outbox) {
            super("routing.forwarding-usage-retention", "forwarded seconds per day", config.forwardingRetention(),
                    "forwarding_usage", "day");
            this.outbox = outbox;
        }

        @Override
        public int deleteBatch(EntityManager em, Timestamp cutoff, int batch) {
            @SuppressWarnings("unchecked")
            List<Object[]> deleted = em.createNativeQuery("delete from forwarding_usage where ctid in (select ctid from "
                    + "forwarding_usage where day < ?1 limit " + batch + ") returning workspace_id, to_char(day, 'YYYY-MM-DD')")
                    .setParameter(1, cutoff).getResultList();
            for (Object[] row : deleted) {
                outbox.tombstone(Topics.FORWARDING_USAGE, ForwardingUsage.keyFor(WorkspaceId.of((String) row[0]),
                        LocalDate.parse((String) row[1])));
            }
            return deleted.size();
        }
    }
}
