package ai.galaxyco.phone.analytics.config;

import io.smallrye.config.ConfigMapping;
import java.math.BigDecimal;

/** Analytics' settings: the price table estimates are made from (environment names in application.properties). */
@ConfigMapping(prefix = "analytics")
public interface AnalyticsConfig {

    Prices prices();

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
    }
}
