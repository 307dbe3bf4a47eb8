package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
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
import java.util.stream.Collectors;

/**
 * Compares what SignalWire bills us for with what the database knows, at start-up and on a schedule.
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

    public Reconciler(NumbersApi numbers, SignalWireHttp http, LifecycleService lifecycle, AssignmentEvents events,
            ProvisioningConfig config, Clock clock, MeterRegistry registry) {
        this.numbers = numbers;
        this.http = http;
        this.lifecycle = lifecycle;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
    }

    @Scheduled(every = "${provisioning.reconcile-interval:10m}", delay = 2, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!http.isConfigured()) {
            return;
        }
        try {
            Report report = reconcile();
            Log.infof("Reconciliation: %s", report);
        } catch (RuntimeException e) {
            registry.counter("provisioning.reconcile.failures").increment();
            Log.warnf("Reconciliation failed, next pass will retry: %s", e.getMessage());
        }
    }

    public synchronized Report reconcile() {
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
        int missing = QuarkusTransaction.requiringNew().call(() -> markMissing(ownedSids));
        registry.counter("provisioning.reconcile.adopted").increment(adopted);
        registry.counter("provisioning.reconcile.orphans").increment(orphans);
        registry.counter("provisioning.reconcile.missing").increment(missing);
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

    /** Active numbers SignalWire no longer has: the workspace needs a new one. */
    private int markMissing(Set<String> ownedSids) {
        List<PhoneNumberRecord> active = PhoneNumberRecord.list("status", PhoneNumberRecord.Status.ACTIVE);
        int missing = 0;
        for (PhoneNumberRecord number : active) {
            if (ownedSids.contains(number.providerSid)) {
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
        return missing;
    }
}
