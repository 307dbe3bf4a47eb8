package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import ai.galaxyco.phone.model.events.RegistryStatusChanged;
import ai.galaxyco.phone.model.values.MessagingState;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import ai.galaxyco.phone.provisioning.signalwire.RegistryApi;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Drives numbers in PENDING_REGISTRATION through SignalWire's Campaign Registry: places an order for a number that
 * has none, and reads a pending order back (the fallback for a status callback that never came). A number is claimed
 * with SKIP LOCKED and its due time pushed past the call, so two instances never work on the same number; the outcome
 * is written only if the number still waits for the same order (a callback may have settled it meanwhile).
 * Status callbacks arrive through {@link #apply(RegistryStatusChanged)}.
 */
@ApplicationScoped
public class RegistrationWorker {

    private static final int BATCH = 20;

    private final RegistryApi registryApi;
    private final NumberRegistration registration;
    private final ProvisioningConfig config;
    private final EntityManager em;
    private final Clock clock;

    public RegistrationWorker(RegistryApi registryApi, NumberRegistration registration, ProvisioningConfig config,
            EntityManager em, Clock clock) {
        this.registryApi = registryApi;
        this.registration = registration;
        this.config = config;
        this.em = em;
        this.clock = clock;
    }

    record Claim(long numberId, String e164, String campaignId, String orderId) {
    }

    @Scheduled(every = "${provisioning.registration-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        runDue();
    }

    /** Acts on every due number once; returns how many. */
    public int runDue() {
        List<Claim> claims = claim();
        claims.forEach(this::work);
        return claims.size();
    }

    List<Claim> claim() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            @SuppressWarnings("unchecked")
            List<PhoneNumberRecord> due = em.createNativeQuery("select * from phone_number where messaging_state = 'PENDING_REGISTRATION' "
                    + "and status = 'ACTIVE' and registration_due_at <= ?1 order by registration_due_at limit " + BATCH
                    + " for update skip locked", PhoneNumberRecord.class).setParameter(1, now).getResultList();
            return due.stream().map(n -> {
                // claimed: nobody else acts on it until well after the call (a crash retries it then)
                n.registrationDueAt = now.plus(config.claimLease());
                return new Claim(n.id, n.e164, n.campaignId, n.registryOrderId);
            }).toList();
        });
    }

    void work(Claim claim) {
        try {
            if (claim.orderId() == null) {
                String callback = config.publicUrl().replaceAll("/+$", "") + "/api/webhooks/signalwire/registry";
                RegistryApi.Order order = registryApi.createOrder(claim.campaignId(), claim.e164(), callback);
                settle(claim, number -> registration.ordered(number, order.id()));
                Log.infof("Ordered %s into campaign %s (order %s)", claim.e164(), claim.campaignId(), order.id());
                return;
            }
            RegistryApi.Order order = registryApi.order(claim.orderId());
            if (!order.processed()) {
                settle(claim, registration::stillPending);
                return;
            }
            var assignment = registryApi.assignmentOf(claim.campaignId(), claim.e164()).orElse(null);
            if (assignment == null) {
                settle(claim, number -> registration.failed(number, "order " + claim.orderId() + " was processed but the "
                        + "campaign does not list the number"));
            } else if ("completed".equalsIgnoreCase(assignment.state())) {
                settle(claim, number -> registration.completed(number, assignment.id()));
            } else if ("failed".equalsIgnoreCase(assignment.state())) {
                settle(claim, number -> registration.failed(number, assignment.failureReason() != null ? assignment.failureReason()
                        : "the campaign registry refused the number"));
            } else {
                settle(claim, registration::stillPending);
            }
        } catch (SignalWireException e) {
            settle(claim, number -> registration.failed(number, e.codeOrStatus() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            Log.errorf(e, "Registration step for %s crashed; retried after the claim lease", claim.e164());
        }
    }

    /** Writes an outcome if the number still waits for what the claim worked on. */
    private void settle(Claim claim, java.util.function.Consumer<PhoneNumberRecord> outcome) {
        QuarkusTransaction.requiringNew().run(() -> {
            PhoneNumberRecord number = PhoneNumberRecord.findById(claim.numberId(), LockModeType.PESSIMISTIC_WRITE);
            if (number == null || number.messagingState != MessagingState.PENDING_REGISTRATION
                    || !java.util.Objects.equals(number.registryOrderId, claim.orderId())) {
                return; // settled meanwhile (a callback, a release)
            }
            outcome.accept(number);
        });
    }

    /** A verified 10DLC status callback. Events about other orders than a number's current one change nothing. */
    @Transactional(TxType.MANDATORY)
    public void apply(RegistryStatusChanged event) {
        if ("number_assignment".equals(event.category()) && event.phoneNumber() != null) {
            String state = event.state() == null ? "" : event.state().toLowerCase();
            for (PhoneNumberRecord number : pending(event.phoneNumber().e164())) {
                boolean currentOrder = event.orderId() == null || event.orderId().equals(number.registryOrderId);
                // a completion may overtake the commit of its own order id (the worker's settle then finds it SENDABLE)
                boolean orderNotYetRecorded = number.registryOrderId == null;
                if (state.equals("completed") && (currentOrder || orderNotYetRecorded)) {
                    registration.completed(number, event.numberAssignmentId());
                } else if (state.equals("failed") && currentOrder && !orderNotYetRecorded) {
                    registration.failed(number, event.reason() != null ? event.reason()
                            : "the campaign registry refused the number (" + event.eventType() + ")");
                }
                // pending again (SignalWire retries a failed assignment), or an older order's news: keep waiting
            }
        } else if ("number_assignment_order".equals(event.category()) && event.orderId() != null) {
            PhoneNumberRecord.<PhoneNumberRecord>find("registryOrderId", event.orderId()).withLock(LockModeType.PESSIMISTIC_WRITE)
                    .list().forEach(registration::orderProcessed);
        } else {
            Log.infof("10DLC %s event %s (state %s) noted; nothing to do for numbers", event.category(), event.eventType(),
                    event.state());
        }
    }

    private static List<PhoneNumberRecord> pending(String e164) {
        return PhoneNumberRecord.<PhoneNumberRecord>find("e164 = ?1 and messagingState = ?2 and status <> ?3", e164,
                MessagingState.PENDING_REGISTRATION, PhoneNumberRecord.Status.RELEASED).withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
    }
}
