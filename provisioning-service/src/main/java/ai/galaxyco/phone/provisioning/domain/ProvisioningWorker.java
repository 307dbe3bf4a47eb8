package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.domain.Backoff;
import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import ai.galaxyco.phone.provisioning.signalwire.NumbersApi.OwnedNumber;
import ai.galaxyco.phone.provisioning.signalwire.NumbersApi;
import ai.galaxyco.phone.provisioning.signalwire.RegistryApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Buys numbers for slots ({@link NumberSlot}) whose purchase is due and releases numbers whose grace period is over.
 * Each job is claimed in a short transaction (row lock with SKIP LOCKED, a lease pushed into the future with a
 * token of its own, and the attempt recorded) before SignalWire is called, so a crash mid-call leaves a trace that
 * {@link Reconciler} resolves. Only as many jobs are claimed as can start at once, and right before every call that
 * costs or frees money the job re-checks under a row lock that its claim still holds (the lease token is unchanged)
 * and that the call is still wanted: a lease that expired while a job waited, or a re-upgrade during a release,
 * stops the call instead of buying twice or releasing a wanted number.
 */
@ApplicationScoped
public class ProvisioningWorker {

    private static final int CANDIDATES_PER_SEARCH = 3;

    private final NumbersApi numbers;
    private final LifecycleService lifecycle;
    private final AssignmentEvents events;
    private final ProvisioningConfig config;
    private final EntityManager entityManager;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ExecutorService executor;
    private final NumberTags tags;
    private final RegistryApi registryApi;

    record PurchaseClaim(long slotId, String workspaceId, String label, long attemptId, String preferredAreaCode,
            String leaseToken) {
    }

    /** The job's claim is gone (expired and taken by another job) or the purchase is no longer wanted. */
    static final class ClaimLost extends RuntimeException {
        ClaimLost(String message) {
            super(message);
        }
    }

    /** A release, with what removing the number from its 10DLC campaign first needs. */
    record ReleaseClaim(long numberId, long attemptId, String providerSid, int releaseAttempts, String e164, String campaignId,
            String registryAssignmentId) {
    }

    public ProvisioningWorker(NumbersApi numbers, LifecycleService lifecycle, AssignmentEvents events,
            ProvisioningConfig config, EntityManager entityManager, Clock clock, MeterRegistry registry, NumberTags tags,
            RegistryApi registryApi) {
        this.tags = tags;
        this.registryApi = registryApi;
        this.numbers = numbers;
        this.lifecycle = lifecycle;
        this.events = events;
        this.config = config;
        this.entityManager = entityManager;
        this.clock = clock;
        this.registry = registry;
        this.executor = Executors.newFixedThreadPool(config.parallelism(), r -> {
            Thread t = new Thread(r, "provisioning-call");
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Observes ShutdownEvent event) {
        executor.shutdown();
    }

    @Scheduled(every = "${provisioning.worker-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        runDue();
    }

    /** Runs every due purchase and release once; returns how many jobs ran. */
    public int runDue() {
        // all threads are free here (each round waits for its jobs): claim no more than can start at once, so no
        // claimed job waits in a queue while its lease runs out
        List<Future<?>> running = new ArrayList<>();
        for (PurchaseClaim claim : claimPurchases(config.parallelism())) {
            running.add(executor.submit(() -> purchase(claim)));
        }
        for (ReleaseClaim claim : claimReleases(config.parallelism() - running.size())) {
            running.add(executor.submit(() -> release(claim)));
        }
        for (Future<?> job : running) {
            try {
                job.get();
            } catch (Exception e) {
                Log.error("Provisioning job crashed", e);
            }
        }
        return running.size();
    }

    // ---------------------------------------------------------------- purchases

    List<PurchaseClaim> claimPurchases(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            @SuppressWarnings("unchecked")
            List<NumberSlot> due = entityManager.createNativeQuery(
                    "select s.* from number_slot s join workspace w on w.id = s.workspace_id where s.next_attempt_at <= ?1 "
                            + "and not w.deleted and s.status in ('PROVISIONING', 'FAILED') "
                            + "order by s.next_attempt_at limit " + limit + " for update of s skip locked", NumberSlot.class)
                    .setParameter(1, now)
                    .getResultList();
            List<PurchaseClaim> claims = new ArrayList<>();
            for (NumberSlot slot : due) {
                slot.nextAttemptAt = now.plus(config.claimLease());
                slot.leaseToken = java.util.UUID.randomUUID().toString();
                Workspace workspace = Workspace.findById(slot.workspaceId);
                ProvisioningAttempt attempt = attempt(slot.workspaceId, "PURCHASE", now);
                String areaCode = slot.preferredAreaCode != null ? slot.preferredAreaCode : workspace.preferredAreaCode;
                claims.add(new PurchaseClaim(slot.id, slot.workspaceId, slot.label, attempt.id, areaCode, slot.leaseToken));
            }
            return claims;
        });
    }

    void purchase(PurchaseClaim claim) {
        Timer.Sample sample = Timer.start(registry);
        try {
            OwnedNumber bought = buy(claim);
            QuarkusTransaction.requiringNew().run(() -> recordPurchase(claim, bought));
            sample.stop(registry.timer("provisioning.purchase", "outcome", "succeeded"));
        } catch (ClaimLost e) {
            sample.stop(registry.timer("provisioning.purchase", "outcome", "superseded"));
            Log.infof("Purchase for %s stopped before buying: %s", claim.workspaceId(), e.getMessage());
            QuarkusTransaction.requiringNew().run(() -> finishAttempt(claim.attemptId(), "SUPERSEDED", null, null, null,
                    e.getMessage()));
        } catch (RuntimeException e) {
            sample.stop(registry.timer("provisioning.purchase", "outcome", "failed"));
            Log.warnf("Purchase for %s failed: %s", claim.workspaceId(), e.getMessage());
            QuarkusTransaction.requiringNew().run(() -> recordFailure(claim, e));
        }
    }

    /**
     * Compare-and-set on the lease, right before a call that costs money: the claim must still be this job's and
     * the workspace must still want a number it does not have. Renews the lease for the call about to be made.
     */
    void renewLease(PurchaseClaim claim) {
        QuarkusTransaction.requiringNew().run(() -> {
            NumberSlot slot = NumberSlot.findById(claim.slotId(), LockModeType.PESSIMISTIC_WRITE);
            if (slot == null || !claim.leaseToken().equals(slot.leaseToken)) {
                throw new ClaimLost("its claim expired and another job holds the slot now");
            }
            if (!slot.wantsNumber(Workspace.findById(claim.workspaceId()))) {
                slot.leaseToken = null;
                throw new ClaimLost("the slot no longer needs a number");
            }
            slot.nextAttemptAt = clock.instant().plus(config.claimLease());
        });
    }

    private OwnedNumber buy(PurchaseClaim claim) {
        renewLease(claim);
        String tag = tags.tagFor(claim.workspaceId());
        // an earlier attempt whose answer was lost may have bought one already: adopt it instead of buying again
        for (OwnedNumber tagged : numbers.findTagged(tag)) {
            boolean known = QuarkusTransaction.requiringNew().call(() -> PhoneNumberRecord.withSid(tagged.sid()).isPresent());
            if (!known) {
                Log.infof("Adopting %s for %s: bought by an earlier attempt whose answer was lost", tagged.phoneNumber(),
                        claim.workspaceId());
                registry.counter("provisioning.purchases.adopted").increment();
                return tagged;
            }
        }
        boolean tollFree = "toll-free".equalsIgnoreCase(config.numberType());
        Set<String> areaCodes = new LinkedHashSet<>();
        if (claim.preferredAreaCode() != null && !tollFree) {
            areaCodes.add(claim.preferredAreaCode());
        }
        config.defaultAreaCode().filter(s -> !s.isBlank() && !tollFree).ifPresent(areaCodes::add);
        areaCodes.add(null); // anywhere
        SignalWireException lastRefusal = null;
        for (String areaCode : areaCodes) {
            List<String> candidates = tollFree ? numbers.searchTollFree() : numbers.searchLocal(areaCode);
            for (String candidate : candidates.subList(0, Math.min(CANDIDATES_PER_SEARCH, candidates.size()))) {
                try {
                    renewLease(claim);
                    return numbers.purchase(candidate, tag, NumbersApi.Webhooks.forGateway(config.publicUrl()));
                } catch (SignalWireException e) {
                    if (e.code() == null || e.code() != 21422) {
                        throw e;
                    }
                    lastRefusal = e; // someone else bought it between search and purchase: try the next one
                }
            }
        }
        throw lastRefusal != null ? lastRefusal
                : new SignalWireException(404, null, tollFree ? "no US toll-free numbers available"
                        : "no US local numbers available (area codes tried: " + areaCodes + ")", null);
    }

    private void recordPurchase(PurchaseClaim claim, OwnedNumber bought) {
        Instant now = clock.instant();
        finishAttempt(claim.attemptId(), "SUCCEEDED", bought.phoneNumber(), bought.sid(), null, null);
        Workspace workspace = Workspace.findById(claim.workspaceId(), LockModeType.PESSIMISTIC_WRITE);
        NumberSlot slot = NumberSlot.findById(claim.slotId(), LockModeType.PESSIMISTIC_WRITE);
        if (slot != null && claim.leaseToken().equals(slot.leaseToken)) {
            slot.leaseToken = null;
        }
        PhoneNumberRecord number = new PhoneNumberRecord();
        number.workspaceId = claim.workspaceId();
        number.e164 = bought.phoneNumber();
        number.providerSid = bought.sid();
        number.label = claim.label();
        number.purchasedAt = now;
        if (slot != null && slot.wantsNumber(workspace)) {
            number.status = PhoneNumberRecord.Status.ACTIVE;
            number.persistAndFlush();
            slot.attempts++;
            if (slot.isMain()) {
                workspace.attempts = slot.attempts;
            }
            lifecycle.activate(workspace, slot, number);
        } else {
            // downgraded, deleted or removed while we were buying: keep a record and give the number back at once
            number.status = PhoneNumberRecord.Status.RELEASE_PENDING;
            number.releaseAfter = now;
            number.persist();
            registry.counter("provisioning.purchases.unwanted").increment();
        }
    }

    private void recordFailure(PurchaseClaim claim, RuntimeException e) {
        String code = e instanceof SignalWireException s ? s.codeOrStatus() : e.getClass().getSimpleName();
        finishAttempt(claim.attemptId(), "FAILED", null, null, code, e.getMessage());
        Workspace workspace = Workspace.findById(claim.workspaceId(), LockModeType.PESSIMISTIC_WRITE);
        NumberSlot slot = NumberSlot.findById(claim.slotId(), LockModeType.PESSIMISTIC_WRITE);
        if (slot == null || !claim.leaseToken().equals(slot.leaseToken)) {
            return; // another job holds the slot now: its outcome decides
        }
        slot.leaseToken = null;
        if (!slot.wantsNumber(workspace)) {
            return;
        }
        Instant now = clock.instant();
        slot.attempts++;
        slot.status = NumberSlot.Status.FAILED;
        slot.lastErrorCode = code;
        slot.lastError = truncate(e.getMessage());
        slot.nextAttemptAt = now.plus(backoff(slot.attempts));
        slot.updatedAt = now;
        if (slot.isMain()) {
            // the Main slot's state is the workspace's, and its failures are published for everyone to see
            workspace.attempts = slot.attempts;
            workspace.status = Workspace.Status.FAILED;
            workspace.lastErrorCode = code;
            workspace.lastError = slot.lastError;
            workspace.updatedAt = now;
            events.result(workspace, ProvisioningResult.Status.FAILED, null);
        }
    }

    // ---------------------------------------------------------------- releases

    List<ReleaseClaim> claimReleases(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            @SuppressWarnings("unchecked")
            List<PhoneNumberRecord> due = entityManager.createNativeQuery(
                    "select * from phone_number where status in ('RELEASE_PENDING', 'ORPHANED') and release_after <= ?1 "
                            + "order by release_after limit " + limit + " for update skip locked", PhoneNumberRecord.class)
                    .setParameter(1, now)
                    .getResultList();
            List<ReleaseClaim> claims = new ArrayList<>();
            for (PhoneNumberRecord number : due) {
                number.status = PhoneNumberRecord.Status.RELEASING;
                number.releaseAttempts++;
                ProvisioningAttempt attempt = attempt(number.workspaceId, "RELEASE", now);
                attempt.phoneNumber = number.e164;
                attempt.providerSid = number.providerSid;
                claims.add(new ReleaseClaim(number.id, attempt.id, number.providerSid, number.releaseAttempts, number.e164,
                        number.campaignId, number.registryAssignmentId));
            }
            return claims;
        });
    }

    void release(ReleaseClaim claim) {
        try {
            if (!stillUnwanted(claim)) {
                return;
            }
            leaveCampaign(claim);
            numbers.release(claim.providerSid());
            QuarkusTransaction.requiringNew().run(() -> {
                PhoneNumberRecord number = PhoneNumberRecord.findById(claim.numberId());
                number.status = PhoneNumberRecord.Status.RELEASED;
                number.releasedAt = clock.instant();
                number.registryAssignmentId = null;
                number.registrationDueAt = null;
                number.lastError = null;
                finishAttempt(claim.attemptId(), "SUCCEEDED", number.e164, number.providerSid, null, null);
                Workspace workspace = Workspace.findById(number.workspaceId);
                if (workspace != null) {
                    events.result(workspace, ProvisioningResult.Status.RELEASED, number);
                }
            });
            registry.counter("provisioning.releases", "outcome", "succeeded").increment();
        } catch (RuntimeException e) {
            boolean cooldown = e instanceof SignalWireException s && Integer.valueOf(22121).equals(s.code());
            registry.counter("provisioning.releases", "outcome", cooldown ? "cooldown" : "failed").increment();
            Log.warnf("Release of %s failed (%s): %s", claim.providerSid(), cooldown ? "cooldown" : "error", e.getMessage());
            QuarkusTransaction.requiringNew().run(() -> {
                PhoneNumberRecord number = PhoneNumberRecord.findById(claim.numberId());
                // still ours to release: back to pending, never treated as done
                number.status = PhoneNumberRecord.Status.RELEASE_PENDING;
                number.lastError = truncate(e.getMessage());
                number.releaseAfter = clock.instant().plus(cooldown ? config.releaseCooldownRetry() : backoff(claim.releaseAttempts()));
                finishAttempt(claim.attemptId(), "FAILED", number.e164, number.providerSid,
                        e instanceof SignalWireException s ? s.codeOrStatus() : e.getClass().getSimpleName(), e.getMessage());
            });
        }
    }

    /**
     * A number leaves its 10DLC campaign before it is released (the campaign's fee counts its numbers, and a number
     * bought again by someone else must not arrive registered under our brand). Its assignment id is known once the
     * registration completed; otherwise (pending or failed orders) the campaign's list is searched for it.
     */
    private void leaveCampaign(ReleaseClaim claim) {
        if (claim.campaignId() == null) {
            return;
        }
        String assignmentId = claim.registryAssignmentId() != null ? claim.registryAssignmentId()
                : registryApi.assignmentOf(claim.campaignId(), claim.e164()).map(RegistryApi.Assignment::id).orElse(null);
        if (assignmentId != null) {
            registryApi.removeAssignment(assignmentId);
            registry.counter("provisioning.registration", "outcome", "removed").increment();
        }
    }

    /**
     * Re-checks under row locks, right before the number is given back, that nobody wants it: a workspace that
     * re-upgraded after the claim (and has no other number) gets it back instead, and any purchase it had
     * scheduled is called off.
     */
    boolean stillUnwanted(ReleaseClaim claim) {
        return QuarkusTransaction.requiringNew().call(() -> {
            PhoneNumberRecord number = PhoneNumberRecord.findById(claim.numberId(), LockModeType.PESSIMISTIC_WRITE);
            if (number == null || number.status != PhoneNumberRecord.Status.RELEASING) {
                finishAttempt(claim.attemptId(), "SUPERSEDED", null, null, null, "the number changed state after the claim");
                return false;
            }
            Workspace workspace = Workspace.findById(number.workspaceId, LockModeType.PESSIMISTIC_WRITE);
            // a slot of the same label waiting for a number (a re-upgrade after the claim) takes this one back
            NumberSlot slot = NumberSlot.current(number.workspaceId, number.label).orElse(null);
            if (slot == null || !slot.wantsNumber(workspace)) {
                return true;
            }
            number.status = PhoneNumberRecord.Status.ACTIVE;
            number.releaseAfter = null;
            slot.attempts = 0;
            if (slot.isMain()) {
                workspace.attempts = 0;
            }
            lifecycle.activate(workspace, slot, number);
            finishAttempt(claim.attemptId(), "CANCELLED", number.e164, number.providerSid, null,
                    "the workspace wants its number again");
            registry.counter("provisioning.releases", "outcome", "cancelled").increment();
            Log.infof("Release of %s cancelled: %s wants it again", number.e164, workspace.id);
            return false;
        });
    }

    // ---------------------------------------------------------------- helpers

    Duration backoff(int attempts) {
        return new Backoff(config.initialRetryDelay(), config.maxRetryDelay()).delay(attempts);
    }

    private static ProvisioningAttempt attempt(String workspaceId, String kind, Instant now) {
        ProvisioningAttempt attempt = new ProvisioningAttempt();
        attempt.workspaceId = workspaceId;
        attempt.kind = kind;
        attempt.startedAt = now;
        attempt.persistAndFlush();
        return attempt;
    }

    private void finishAttempt(long attemptId, String outcome, String phoneNumber, String sid, String code, String message) {
        ProvisioningAttempt attempt = ProvisioningAttempt.findById(attemptId);
        attempt.finishedAt = clock.instant();
        attempt.outcome = outcome;
        if (phoneNumber != null) {
            attempt.phoneNumber = phoneNumber;
            attempt.providerSid = sid;
        }
        attempt.errorCode = code;
        attempt.errorMessage = truncate(message);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
    }
}
