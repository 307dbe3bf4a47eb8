package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.kit.messaging.TableRetention;
import ai.galaxyco.phone.routing.config.RoutingConfig;
import jakarta.inject.Singleton;

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

    /** Each workspace's forwarded seconds per UTC day. */
    @Singleton
    public static class DailyTotals extends TableRetention {

        public DailyTotals(RoutingConfig config) {
            super("routing.forwarding-usage-retention", "forwarded seconds per day", config.forwardingRetention(),
                    "forwarding_usage", "day");
        }
    }
}
