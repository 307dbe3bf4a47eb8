package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.domain.ClusterSingleton;
import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import ai.galaxyco.phone.provisioning.signalwire.NumbersApi;
import ai.galaxyco.phone.provisioning.signalwire.NumbersApi.OwnedNumber;
import ai.galaxyco.phone.provisioning.signalwire.NumbersApi.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps every dedicated number's webhook URLs at SignalWire (SmsUrl, VoiceUrl, StatusCallback and both fallbacks)
 * pointing at this deployment's gateway. Someone editing a number in SignalWire's dashboard, or a change of
 * NEXT_PUBLIC_APP_URL, silently cuts a workspace off from its SMS and calls; a check compares them with ours and
 * repairs every ACTIVE number that drifted ({@code numbers_webhook_drift_repaired_total}). The shared platform number
 * is configured by hand: its drift is reported ({@code numbers_webhook_drift_reported_total}, a warning, the check's
 * record) and never changed. Checks run on one instance at a time, every DRIFT_CHECK_INTERVAL, and at once when the
 * last check was made under another NEXT_PUBLIC_APP_URL.
 */
@ApplicationScoped
public class WebhookDriftRepair {

    /** One check: what it looked at, what it repaired, and what differs on the shared number. */
    public record DriftReport(int checked, int repaired, List<String> repairedNumbers, List<String> sharedDrift) {
    }

    private final NumbersApi numbers;
    private final ProvisioningConfig config;
    private final AssignmentEvents events;
    private final ClusterSingleton singleton;
    private final EntityManager em;
    private final Clock clock;
    private final MeterRegistry registry;

    public WebhookDriftRepair(NumbersApi numbers, ProvisioningConfig config, AssignmentEvents events, ClusterSingleton singleton,
            EntityManager em, Clock clock, MeterRegistry registry) {
        this.numbers = numbers;
        this.config = config;
        this.events = events;
        this.singleton = singleton;
        this.em = em;
        this.clock = clock;
        this.registry = registry;
    }

    @Scheduled(every = "1m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (due()) {
            check();
        }
    }

    /** Due when the interval has passed since the last check, or the last check knew another NEXT_PUBLIC_APP_URL. */
    public boolean due() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> last = em.createNativeQuery("select app_url, started_at from webhook_drift_check order by id desc limit 1")
                    .getResultList();
            if (last.isEmpty()) {
                return config.driftCheckAtStart();
            }
            if (!config.publicUrl().equals(last.get(0)[0])) {
                return true; // NEXT_PUBLIC_APP_URL changed: every number still points at the old one
            }
            Instant startedAt = toInstant(last.get(0)[1]);
            return !startedAt.plus(config.driftCheckInterval()).isAfter(clock.instant());
        });
    }

    /** Runs a check now (unless another instance runs one); empty when skipped. */
    public Optional<DriftReport> check() {
        return singleton.callAlone("webhook-drift-check", this::checkAlone);
    }

    private DriftReport checkAlone() {
        Instant started = clock.instant();
        long checkId = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "insert into webhook_drift_check (app_url, started_at) values (?1, ?2) returning id")
                .setParameter(1, config.publicUrl()).setParameter(2, started).getSingleResult()).longValue());
        Webhooks wanted = Webhooks.forGateway(config.publicUrl());
        List<String> repaired = new ArrayList<>();
        List<String> sharedDrift = new ArrayList<>();
        int checked = 0;
        String error = null;
        try {
            Map<String, String> activeBySid = activeNumbers();
            String shared = events.sharedNumber().map(n -> n.e164()).orElse(null);
            for (OwnedNumber owned : numbers.listAll()) {
                if (owned.phoneNumber().equals(shared)) {
                    sharedDrift.addAll(owned.webhooks().differencesFrom(wanted));
                    continue;
                }
                if (!activeBySid.containsKey(owned.sid())) {
                    continue; // not a workspace's (released, quarantined, someone else's): not ours to configure
                }
                checked++;
                List<String> differences = owned.webhooks().differencesFrom(wanted);
                if (differences.isEmpty()) {
                    continue;
                }
                try {
                    numbers.configure(owned.sid(), wanted);
                    repaired.add(owned.phoneNumber());
                    registry.counter("numbers.webhook.drift.repaired").increment();
                    Log.warnf("Repaired the webhooks of %s (workspace %s): %s", owned.phoneNumber(), activeBySid.get(owned.sid()),
                            String.join("; ", differences));
                } catch (SignalWireException e) {
                    registry.counter("numbers.webhook.drift.repair.failures").increment();
                    Log.warnf("Could not repair the webhooks of %s (next check tries again): %s", owned.phoneNumber(), e.getMessage());
                }
            }
            if (!sharedDrift.isEmpty()) {
                registry.counter("numbers.webhook.drift.reported", "number", "shared").increment();
                Log.warnf("The shared number %s is configured differently from this deployment's webhooks (it is set by hand, "
                        + "so it is not changed): %s", shared, String.join("; ", sharedDrift));
            }
        } catch (SignalWireException e) {
            error = e.getMessage();
            Log.warnf("Webhook drift check failed (tried again at the next check): %s", e.getMessage());
        }
        int checkedCount = checked;
        String failure = error;
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update webhook_drift_check set finished_at = ?2, checked = ?3, "
                + "repaired = ?4, shared_drift = ?5, error = ?6 where id = ?1").setParameter(1, checkId)
                .setParameter(2, clock.instant()).setParameter(3, checkedCount).setParameter(4, repaired.size())
                .setParameter(5, sharedDrift.isEmpty() ? null : String.join("\n", sharedDrift)).setParameter(6, failure)
                .executeUpdate());
        return new DriftReport(checked, repaired.size(), repaired, sharedDrift);
    }

    /** A timestamp column as the JDBC driver and Hibernate hand it over. */
    public static Instant toInstant(Object value) {
        return value == null ? null : value instanceof Instant i ? i : value instanceof java.sql.Timestamp t ? t.toInstant()
                : ((java.time.OffsetDateTime) value).toInstant();
    }

    /** Provider sid → workspace of every ACTIVE dedicated number. */
    private Map<String, String> activeNumbers() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, String> bySid = new HashMap<>();
            PhoneNumberRecord.<PhoneNumberRecord>list("status", PhoneNumberRecord.Status.ACTIVE)
                    .forEach(n -> bySid.put(n.providerSid, n.workspaceId));
            return bySid;
        });
    }
}
