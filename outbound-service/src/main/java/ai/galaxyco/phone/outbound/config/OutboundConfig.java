package ai.galaxyco.phone.outbound.config;

import ai.galaxyco.phone.model.values.OutboundPrices;
import ai.galaxyco.phone.model.values.Plan;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.Duration;

@ConfigMapping(prefix = "outbound")
public interface OutboundConfig {

    /** NEXT_PUBLIC_APP_URL: the StatusCallback of every message is {public-url}/api/webhooks/signalwire/status. */
    String publicUrl();

    /** Answer to HELP, sent from the number the HELP reached. */
    String helpText();

    Pacing pacing();

    /**
     * OUTBOUND_SENDER_WAIT: how long a request from the outbound-requests topic refused for a reason that passes (no
     * sender number yet, right after sign-up) is retried before it is dead-lettered.
     */
    @WithDefault("PT2M")
    Duration senderWait();

    /** STATUS_REPORT_RETENTION: how long status reports are kept (see StatusReportRetention). */
    @WithDefault("P7D")
    Duration statusReportRetention();

    /** SPEND_RETENTION: how long each workspace's spend per day is kept (default 400 days; budgets read this month's). */
    @WithDefault("P400D")
    Duration spendRetention();

    /** SHARED_DAILY_CAP: segments a workspace may send from the shared number per UTC day (429 shared_number_quota). */
    @WithDefault("200")
    int sharedDailyCap();

    /**
     * MESSAGING_ALLOWED_COUNTRIES: ISO regions recipients may be in (default US,CA); premium-rate and the other
     * {@code DestinationPolicy.REFUSED_TYPES} are refused everywhere (422).
     */
    @WithDefault("US,CA")
    String messagingAllowedCountries();

    /** The pumping guard (PUMPING_*): see PumpingGuard. */
    Pumping pumping();

    interface Pumping {
        /** PUMPING_WINDOW: how far back new recipients are counted. */
        Duration window();

        /** PUMPING_MAX_NEW_RECIPIENTS: new recipients per range and window sent to before the next is held. */
        int maxNewRecipients();

        /** PUMPING_RANGE_DIGITS: digits of the E.164 number (country code included) that make its range. */
        int rangeDigits();

        /** PUMPING_REVIEW_HOLD: how long a held message waits for an operator before it fails (held_for_review_expired). */
        Duration reviewHold();
    }

    /** PRICE_SMS_OUTBOUND, PRICE_MMS_OUTBOUND, PRICE_WHATSAPP_OUTBOUND (USD), as analytics' ledger estimates with them. */
    Prices prices();

    interface Prices {
        BigDecimal smsOutbound();

        BigDecimal mmsOutbound();

        BigDecimal whatsappOutbound();

        default OutboundPrices outbound() {
            return new OutboundPrices(smsOutbound(), mmsOutbound(), whatsappOutbound());
        }
    }

    /** MESSAGING_DAILY_BUDGET_&lt;PLAN&gt; and MESSAGING_MONTHLY_BUDGET_&lt;PLAN&gt; (USD): what each plan may spend on messages. */
    Budgets budgets();

    interface Budgets {
        PlanBudget starter();

        PlanBudget pro();

        PlanBudget enterprise();

        default PlanBudget of(Plan plan) {
            return switch (plan) {
                case STARTER -> starter();
                case PRO -> pro();
                case ENTERPRISE -> enterprise();
            };
        }
    }

    interface PlanBudget {
        BigDecimal daily();

        BigDecimal monthly();
    }

    /** How often the dispatcher looks for messages whose sender number has a free slot. */
    @WithDefault("50ms")
    Duration dispatchInterval();

    /** How many SignalWire requests may be in flight at once (across all numbers). */
    @WithDefault("32")
    int parallelism();

    @WithDefault("1s")
    Duration initialRetryDelay();

    @WithDefault("5m")
    Duration maxRetryDelay();

    /** Transient failures (timeouts, 5xx, 429) are retried this many times before the message FAILS. */
    @WithDefault("8")
    int maxAttempts();

    /**
     * A message left SENDING without a provider sid this long (the process died mid-request) is queued again.
     * This is the only window in which a crash can send twice; see README.
     */
    @WithDefault("2m")
    Duration sendingRecoveryAfter();

    /**
     * REGISTRATION_HOLD: how long a message from a number that may not send yet (10DLC registration pending, toll-free
     * verification pending) waits for it before it FAILS with {@code awaiting_registration}.
     */
    @WithDefault("PT24H")
    Duration registrationHold();

    /**
     * SEND_VIA_SHARED_WHILE_PENDING: a message whose workspace's number may not send yet leaves from the shared platform
     * number instead of waiting (replies then reach the workspace through the shared number's reply attribution).
     */
    @WithDefault("false")
    boolean sendViaSharedWhilePending();

    interface Pacing {
        /** Segments per second per local long code (US 10DLC carriers commonly allow 1). */
        @WithDefault("1")
        double longCodePerSecond();

        /** Segments per second per toll-free number. */
        @WithDefault("3")
        double tollFreePerSecond();

        /**
         * Added to every slot, so that jitter between our clock and the moment the carrier receives a request never
         * brings two requests closer than the limit (20 ms once let two arrive 989 ms apart on a loaded machine).
         */
        @WithDefault("40ms")
        Duration margin();

        /**
         * OUTBOUND_PACING_HANDOVER: how long an instance waits before sending from sender numbers it has just taken over from
         * another instance (see LaneOwnership), so that the other's last claimed messages have left first.
         */
        @WithDefault("3s")
        Duration handover();
    }
}
