package ai.galaxyco.phone.analytics.domain;

import ai.galaxyco.phone.analytics.config.AnalyticsConfig;
import ai.galaxyco.phone.analytics.signalwire.PricesApi;
import ai.galaxyco.phone.kit.domain.Backoff;
import ai.galaxyco.phone.kit.domain.ClusterSingleton;
import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces estimates with what SignalWire actually charged. Status callbacks carry no price, so a fact whose status is
 * final (an MMS: still sent after a while) is due for a look at its Message or Call resource; a price not computed yet
 * means another look later, the wait doubling, until {@code max-checks} looks leave the estimate standing for good.
 * One instance looks at a time (a cluster-wide advisory lock); SignalWire is called outside any transaction.
 */
@ApplicationScoped
public class PriceSettlement {

    private static final Duration LONGEST_WAIT = Duration.ofHours(6);

    private final EntityManager em;
    private final PricesApi prices;
    private final ClusterSingleton singleton;
    /** A turn gives the job's lock up after this long, however much is due (another instance may take the next turn). */
    private static final Duration LONGEST_TURN = Duration.ofMinutes(1);

    private final AnalyticsConfig.Settlement config;
    private final Clock clock;
    private final MeterRegistry registry;
    private volatile boolean toldUnconfigured;

    public PriceSettlement(EntityManager em, PricesApi prices, ClusterSingleton singleton, AnalyticsConfig config, Clock clock,
            MeterRegistry registry) {
        this.em = em;
        this.prices = prices;
        this.singleton = singleton;
        this.config = config.settlement();
        this.clock = clock;
        this.registry = registry;
    }

    /** A fact due for a look. */
    record Due(long id, String kind, String providerSid, int checks) {
    }

    /** What a look found. */
    record Outcome(Due fact, PricesApi.Price price, String result) {
    }

    @Scheduled(every = "${analytics.settlement.interval}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void settleDuePrices() {
        if (!prices.isConfigured()) {
            if (!toldUnconfigured) {
                toldUnconfigured = true;
                Log.info("SignalWire is not configured: usage costs stay estimates (set SIGNALWIRE_* to fetch actual prices)");
            }
            return;
        }
        singleton.runAlone("analytics.price-settlement", this::settleWhatIsDue);
    }

    /**
     * Batch after batch until less than a full batch was due or the turn has lasted {@link #LONGEST_TURN}. One batch per
     * turn would settle at most {@code batchSize} facts per interval (about 13/s by default), less than one instance
     * routes, and the backlog would only grow. A fact looked at and not settled is due again later, so a turn ends.
     */
    public void settleWhatIsDue() {
        long until = System.nanoTime() + LONGEST_TURN.toNanos();
        while (settleOneBatch() == config.batchSize() && System.nanoTime() < until) {
            // the next batch
        }
    }

    /** Looks at up to one batch of due facts; returns how many were looked at. */
    public int settleOneBatch() {
        List<Due> due = QuarkusTransaction.requiringNew().call(this::due);
        List<Outcome> outcomes = new ArrayList<>(due.size());
        for (Due fact : due) {
            outcomes.add(look(fact));
        }
        if (!outcomes.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> outcomes.forEach(this::apply));
        }
        return outcomes.size();
    }

    @SuppressWarnings("unchecked")
    private List<Due> due() {
        List<Object[]> rows = em.createNativeQuery("select id, kind, provider_sid, price_checks from usage_fact "
                + "where price_due_at <= ?1 order by price_due_at limit ?2")
                .setParameter(1, Timestamp.from(clock.instant())).setParameter(2, config.batchSize()).getResultList();
        return rows.stream().map(r -> new Due(((Number) r[0]).longValue(), (String) r[1], (String) r[2], ((Number) r[3]).intValue()))
                .toList();
    }

    private Outcome look(Due fact) {
        if (fact.providerSid() == null) {
            return new Outcome(fact, null, "no_sid");
        }
        try {
            PricesApi.Price price = "CALL".equals(fact.kind()) ? prices.ofCall(fact.providerSid()) : prices.ofMessage(fact.providerSid());
            return new Outcome(fact, price, price.amount() == null ? "not_priced_yet" : "settled");
        } catch (SignalWireException e) {
            if (e.httpStatus() == 404) {
                return new Outcome(fact, null, "not_found");
            }
            Log.warnf("the price of %s could not be fetched (%s): looking again later", fact.providerSid(), e.getMessage());
            return new Outcome(fact, null, e.isTransient() ? "unavailable" : "refused");
        }
    }

    private void apply(Outcome outcome) {
        Due fact = outcome.fact();
        int checks = fact.checks() + 1;
        String result = outcome.result();
        if ("settled".equals(result)) {
            PricesApi.Price price = outcome.price();
            // a message's segment count is SignalWire's to say; a call's duration came with its status callback already
            em.createNativeQuery("update usage_fact set actual_cost = ?2, price_due_at = null, price_checks = ?3, updated_at = ?4, "
                    + "quantity = case when kind = 'MESSAGE_OUTBOUND' and ?5 > 0 then ?5 else quantity end where id = ?1")
                    .setParameter(1, fact.id()).setParameter(2, price.amount()).setParameter(3, checks)
                    .setParameter(4, Timestamp.from(clock.instant()))
                    .setParameter(5, price.quantity() == null ? 0 : price.quantity()).executeUpdate();
        } else {
            boolean giveUp = "no_sid".equals(result) || "not_found".equals(result) || checks >= config.maxChecks();
            if (giveUp) {
                em.createNativeQuery("update usage_fact set price_due_at = null, price_checks = ?2 where id = ?1")
                        .setParameter(1, fact.id()).setParameter(2, checks).executeUpdate();
            } else {
                em.createNativeQuery("update usage_fact set price_due_at = ?2, price_checks = ?3 where id = ?1")
                        .setParameter(1, fact.id()).setParameter(2, Timestamp.from(clock.instant().plus(waitAfter(checks))))
                        .setParameter(3, checks).executeUpdate();
            }
            if (giveUp && "not_priced_yet".equals(result)) {
                result = "gave_up";
            }
        }
        registry.counter("analytics.price.settlements", "kind", fact.kind(), "outcome", result).increment();
    }

    /** The settle delay, doubled after every look that found no price, at most six hours. */
    Duration waitAfter(int checks) {
        return new Backoff(config.delay(), LONGEST_WAIT).delay(checks + 1);
    }
}
