package ai.galaxyco.phone.analytics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.Duration;

/** Analytics' settings: the price table estimates are made from (environment names in application.properties). */
@ConfigMapping(prefix = "analytics")
public interface AnalyticsConfig {

    Prices prices();

    /** When and how often SignalWire is asked for a fact's actual price. */
    Settlement settlement();

    interface Settlement {
        /** PRICE_SETTLE_DELAY: the wait after a final status before the first look (SignalWire prices a while later). */
        @WithDefault("PT1M")
        Duration delay();

        /** PRICE_SETTLE_MMS_DELAY: MMS has no delivery receipt, so a message still at sent this long is settled as sent. */
        @WithDefault("PT10M")
        Duration mmsDelay();

        /** PRICE_SETTLE_MAX_CHECKS: looks (the wait doubling after each) before the estimate is kept for good. */
        @WithDefault("8")
        int maxChecks();

        /** PRICE_SETTLE_INTERVAL: how often due facts are looked for (read by the job's schedule). */
        @WithDefault("15s")
        Duration interval();

        /** Facts looked at per turn. */
        @WithDefault("200")
        int batchSize();
    }

    /** Bounds on the live usage streams (server-sent events), each an open connection and a subscriber. */
    LiveStreams liveStreams();

    interface LiveStreams {
        /** LIVE_STREAMS_PER_WORKSPACE: open streams one workspace may hold on one instance (more: 429). */
        @WithDefault("5")
        int perWorkspace();

        /** LIVE_STREAMS_PER_INSTANCE: open streams one instance holds at most, all workspaces together (more: 429). */
        @WithDefault("500")
        int perInstance();
    }

    /** What each plan earns per month (USD): PLAN_PRICE_STARTER, PLAN_PRICE_PRO, PLAN_PRICE_ENTERPRISE. */
    PlanPrices planPrices();

    interface PlanPrices {
        BigDecimal starter();

        BigDecimal pro();

        BigDecimal enterprise();
    }

    /** USD. Messages per segment, calls per started minute's share (per second), numbers per month held. */
    interface Prices {
        BigDecimal smsOutbound();

        BigDecimal smsInbound();

        BigDecimal mmsOutbound();

        BigDecimal mmsInbound();

        BigDecimal whatsappOutbound();

        BigDecimal whatsappInbound();

        BigDecimal voicePerMinute();

        BigDecimal numberPerMonth();

        /** The outbound prices as the one estimate rule outbound's spend budgets use too. */
        default ai.galaxyco.phone.model.values.OutboundPrices outbound() {
            return new ai.galaxyco.phone.model.values.OutboundPrices(smsOutbound(), mmsOutbound(), whatsappOutbound());
        }
    }
}
