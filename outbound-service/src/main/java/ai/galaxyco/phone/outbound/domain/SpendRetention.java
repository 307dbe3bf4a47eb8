package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.messaging.TableRetention;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import jakarta.inject.Singleton;

/** Each workspace's spend per UTC day is kept SPEND_RETENTION (400 days); the budgets read only this month's. */
@Singleton
public class SpendRetention extends TableRetention {

    public SpendRetention(OutboundConfig config) {
        super("outbound.spend-retention", "daily spend totals", config.spendRetention(), "messaging_spend", "day");
    }
}
