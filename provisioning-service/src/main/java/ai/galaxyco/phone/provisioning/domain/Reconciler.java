package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import ai.galaxyco.phone.provisioning.messaging.LifecycleCatchUp;
import ai.galaxyco.phone.provisioning.signalwire.NumbersApi;
import ai.galaxyco.phone.provisioning.signalwire.NumbersApi.OwnedNumber;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Compares what SignalWire bills us for with what the database knows, at start-up and on a schedule (see
 * {@link #scheduled()}).
 * A tagged number the database does not know is adopted by its workspace if that workspace still wants one
 * and has none (a crash between purchase and commit), otherwise it is released. After a pass no number is
 * paid for and unknown to the database.
 */
@ApplicationScoped
public class Reconciler {

    /** What one pass found. */
    public record Report(int owned, int adopted, int orphansReleased, int missingAtProvider) {
    }

    private final NumbersApi numbers;
    private final SignalWireHttp http;
    private final LifecycleService lifecycle;
    private final AssignmentEvents events;
    private final ProvisioningConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final LifecycleCatchUp lifecycleCatchUp;
    private volatile Instant nextPassAt;
    /** Provider sids of active numbers the previous pass did not find. */
    private Set<String> absentFromLastListing = Set.of();

    public Reconciler(NumbersApi numbers, SignalWireHttp http, LifecycleService lifecycle, AssignmentEvents events,
            ProvisioningConfig config, Clock clock, MeterRegistry registry, LifecycleCatchUp lifecycleCatchUp) {
        this.numbers = numbers;
        this.http = http;
        this.lifecycle = lifecycle;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.lifecycleCatchUp = lifecycleCatchUp;
        this.nextPassAt = config.reconcileAtStart() ? Instant.EPOCH : clock.instant().plus(config.reconcileInterval());
    }

    /**
     * Decides every few seconds whether a pass is due: the first as soon as the workspace-lifecycle events that
     * existed at start-up are applied (so a paying workspace is never judged against a half-read lifecycle), then
     * every {@code provisioning.reconcile-interval}; a failed pass is tried again after
     * {@code provisioning.reconcile-retry-after}.
     */
    @Scheduled(every = "${provisioning.reconcile-check-interval:2s}", delay = 2, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        Instant now = clock.instant();
        if (!http.isConfigured() || now.isBefore(nextPassAt) || !lifecycleCatchUp.caughtUp()) {
            return;
        }
        try {
            Report report = reconcile();
            nextPassAt = now.plus(config.reconcileInterval());
            Log.infof("Reconciliation: %s; next pass at %s", report, nextPassAt);
        } catch (RuntimeException e) {
            nextPassAt = now.plus(config.reconcileRetryAfter());
            registry.counter("provisioning.reconcile.failures").increment();
            Log.warnf("Reconciliation failed, next pass at %s: %s", nextPassAt, e.getMessage());
        }
    }

    public synchronized Report reconcile() {
        Instant listingStartedAt = clock.instant();
        List<OwnedNumber> owned = numbers.listAll();
        int adopted = 0;
        int orphans = 0;
        for (OwnedNumber number : owned) {
            if (number.friendlyName() == null || !number.friendlyName().startsWith(config.friendlyNamePrefix())) {
                continue; // not ours to manage (e.g. the shared platform number)
            }
            String workspaceId = number.friendlyName().substring(config.friendlyNamePrefix().length());
            String outcome = QuarkusTransaction.requiringNew().call(() -> resolve(number, workspaceId));
            if ("adopted".equals(outcome)) {
                adopted++;
            } else if ("orphan".equals(outcome)) {
                orphans++;
            }
        }
        Set<String> ownedSids = owned.stream().map(OwnedNumber::sid).collect(Collectors.toSet());
        int missing = QuarkusTransaction.requiringNew().call(() -> markMissing(ownedSids, listingStartedAt));
        registry.counter("provisioning.reconcile.adopted").increment(adopted);
        registry.counter("provisioning.reconcile.orphans").increment(orphans);
        registry.counter("provisioning.reconcile.missing").increment(missing);
        registry.counter("provisioning.reconcile.passes").increment();
        return new Report(owned.size(), adopted, orphans, missing);
    }

    private String resolve(OwnedNumber owned, String workspaceId) {
        Instant now = clock.instant();
        var known = PhoneNumberRecord.withSid(owned.sid());
        if (known.isPresent()) {
            PhoneNumberRecord number = known.get();
            if (number.status == PhoneNumberRecord.Status.RELEASED) {
                // we believed it released, yet it is still billed: release it again
                number.status = PhoneNumberRecord.Status.RELEASE_PENDING;
                number.releaseAfter = now;
                return "orphan";
            }
            return "known";
        }
        Workspace workspace = Workspace.findById(workspaceId, LockModeType.PESSIMISTIC_WRITE);
        PhoneNumberRecord number = new PhoneNumberRecord();
        number.workspaceId = workspaceId;
        number.e164 = owned.phoneNumber();
        number.providerSid = owned.sid();
        number.purchasedAt = now;
        ProvisioningAttempt attempt = new ProvisioningAttempt();
        attempt.workspaceId = workspaceId;
        attempt.kind = "ADOPT";
        attempt.startedAt = now;
        attempt.finishedAt = now;
        attempt.phoneNumber = owned.phoneNumber();
        attempt.providerSid = owned.sid();
        if (workspace != null && workspace.wantsDedicatedNumber() && PhoneNumberRecord.activeFor(workspaceId).isEmpty()) {
            number.status = PhoneNumberRecord.Status.ACTIVE;
            number.persist();
            attempt.outcome = "SUCCEEDED";
            attempt.persist();
            lifecycle.activate(workspace, number);
            Log.infof("Adopted %s for %s (bought but not recorded)", owned.phoneNumber(), workspaceId);
            return "adopted";
        }
        number.status = PhoneNumberRecord.Status.RELEASE_PENDING;
        number.releaseAfter = now;
        number.persist();
        attempt.outcome = "ORPHAN";
        attempt.persist();
        Log.infof("Releasing orphan %s tagged for %s", owned.phoneNumber(), workspaceId);
        return "orphan";
    }

    /**
     * Active numbers SignalWire no longer has: the workspace needs a new one. Only a number bought before the
     * listing began can be judged by it (one bought meanwhile is simply not in it yet), and only one absent from
     * two consecutive listings is given up, so one incomplete listing never costs a workspace its number.
     */
    private int markMissing(Set<String> ownedSids, Instant listingStartedAt) {
        List<PhoneNumberRecord> active = PhoneNumberRecord.list("status = ?1 and purchasedAt < ?2",
                PhoneNumberRecord.Status.ACTIVE, listingStartedAt);
        Set<String> absentNow = new java.util.HashSet<>();
        int missing = 0;
        for (PhoneNumberRecord number : active) {
            if (ownedSids.contains(number.providerSid)) {
                continue;
            }
            absentNow.add(number.providerSid);
            if (!absentFromLastListing.contains(number.providerSid)) {
                Log.warnf("Number %s of %s is absent from SignalWire's listing; given up if the next pass agrees", number.e164,
                        number.workspaceId);
                continue;
            }
            missing++;
            number.status = PhoneNumberRecord.Status.RELEASED;
            number.releasedAt = clock.instant();
            number.lastError = "missing at SignalWire during reconciliation";
            events.unassignDedicated(number);
            Workspace workspace = Workspace.findById(number.workspaceId, LockModeType.PESSIMISTIC_WRITE);
            if (workspace != null && workspace.wantsDedicatedNumber()) {
                workspace.status = Workspace.Status.PROVISIONING;
                workspace.nextAttemptAt = clock.instant();
                events.result(workspace, ai.galaxyco.phone.model.events.ProvisioningResult.Status.PROVISIONING, null);
            }
            Log.warnf("Number %s of %s is gone at SignalWire; provisioning again", number.e164, number.workspaceId);
        }
        absentFromLastListing = absentNow;
        return missing;
    }
}
