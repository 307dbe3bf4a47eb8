package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.domain.ClusterSingleton;
import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import ai.galaxyco.phone.provisioning.domain.NumberTags.Owner;
import ai.galaxyco.phone.provisioning.domain.NumberTags.Tag;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Compares what SignalWire bills us for with what the database knows, at start-up and on a schedule (see
 * {@link #scheduled()}). Guard rails, because a mistake here costs customers their numbers:
 * <ul>
 * <li>Only numbers tagged for this deployment ({@link NumberTags}) are managed; other deployments' numbers and
 * legacy tags are never touched (a legacy-tagged number is only adopted by its workspace).</li>
 * <li>A tagged number the database does not know is adopted by its workspace if that workspace wants one and has
 * none (a crash between purchase and commit); otherwise it is quarantined as ORPHANED for {@code ORPHAN_GRACE}
 * and released only if still unclaimed then.</li>
 * <li>An active number is given up as missing at SignalWire only if it was bought before the listing began and is
 * absent from two consecutive listings.</li>
 * <li>A safety brake: a pass that would release or give up more than {@code RECONCILE_MAX_CHANGES} numbers (or 2 %
 * of the inventory, whichever is larger), or that got an empty listing while numbers are active, changes nothing,
 * and passes stay refused until an operator confirms ({@link #confirm}), which lets through the confirmed plan only.
 * {@code RECONCILE_MODE=report} plans only.</li>
 * </ul>
 */
@ApplicationScoped
public class Reconciler {

    /** What one pass found (and did, unless {@code outcome} says otherwise). */
    public record Report(String passId, String outcome, int owned, int adopted, int orphansQuarantined, int rereleased,
            int missingAtProvider, int othersUntouched) {
    }

    /** How a pass runs: for real, or as a dry run. */
    public enum Mode {
        APPLY, REPORT
    }

    private enum Kind {
        ADOPT, QUARANTINE, RERELEASE, MISSING
    }

    private record Change(Kind kind, OwnedNumber owned, String workspaceId, Long numberId) {
        String describe() {
            return kind + " " + (owned != null ? owned.phoneNumber() + " (" + owned.sid() + ")" : "number #" + numberId)
                    + " of " + workspaceId;
        }
    }

    private final NumbersApi numbers;
    private final SignalWireHttp http;
    private final LifecycleService lifecycle;
    private final AssignmentEvents events;
    private final ProvisioningConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final LifecycleCatchUp lifecycleCatchUp;
    private final NumberTags tags;
    private final ClusterSingleton singleton;
    private volatile Instant nextPassAt;
    /** Provider sids of active numbers the previous listing did not contain. */
    private Set<String> absentFromLastListing = Set.of();

    public Reconciler(NumbersApi numbers, SignalWireHttp http, LifecycleService lifecycle, AssignmentEvents events,
            ProvisioningConfig config, Clock clock, MeterRegistry registry, LifecycleCatchUp lifecycleCatchUp, NumberTags tags,
            ClusterSingleton singleton) {
        this.singleton = singleton;
        this.numbers = numbers;
        this.http = http;
        this.lifecycle = lifecycle;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.lifecycleCatchUp = lifecycleCatchUp;
        this.tags = tags;
        this.nextPassAt = config.reconcileAtStart() ? Instant.EPOCH : clock.instant().plus(config.reconcileInterval());
        registry.counter("provisioning.reconcile.refused"); // present at 0, so an alert on it has a series from the start
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
        } catch (AlreadyRunning busy) {
            nextPassAt = now.plus(config.reconcileInterval()); // the other instance's pass is this interval's pass
            registry.counter("provisioning.reconcile.skipped").increment();
            Log.infof("Reconciliation skipped: another instance is running its pass; next look at %s", nextPassAt);
        } catch (RuntimeException e) {
            nextPassAt = now.plus(config.reconcileRetryAfter());
            registry.counter("provisioning.reconcile.failures").increment();
            Log.warnf("Reconciliation failed, next pass at %s: %s", nextPassAt, e.getMessage());
        }
    }

    /** One pass in the configured mode ({@code RECONCILE_MODE}). */
    public Report reconcile() {
        return reconcile("report".equals(config.reconcileMode().toLowerCase(Locale.ROOT)) ? Mode.REPORT : Mode.APPLY, null);
    }

    /**
     * Confirms one refused pass and runs a pass now that may make exactly the changes that pass listed (adoptions
     * are never braked): a fresh pass planning any release or give-up the confirmed one did not list is refused
     * again, for an operator to look at, and "SignalWire listed none of our numbers" is never lifted. Earlier refused
     * passes whose every change the confirmed one listed are confirmed with it (nothing in them went unreviewed);
     * any other stays unconfirmed. Empty if no such refused, unconfirmed pass exists.
     */
    public synchronized java.util.Optional<Report> confirm(String passId) {
        Approval approval = QuarkusTransaction.requiringNew().call(() -> {
            ReconciliationPass pass = ReconciliationPass.findById(passId, LockModeType.PESSIMISTIC_WRITE);
            if (pass == null || !"REFUSED".equals(pass.outcome) || pass.confirmedAt != null) {
                return null;
            }
            Approval confirmed = new Approval(passId, brakedChanges(pass.plan));
            Instant now = clock.instant();
            pass.confirmedAt = now;
            ReconciliationPass.<ReconciliationPass>list("outcome = 'REFUSED' and confirmedAt is null").stream()
                    .filter(other -> confirmed.changes().containsAll(brakedChanges(other.plan)))
                    .forEach(other -> other.confirmedAt = now);
            return confirmed;
        });
        return approval == null ? java.util.Optional.empty() : java.util.Optional.of(reconcile(Mode.APPLY, approval));
    }

    /** What an operator confirmed: the releases and give-ups a refused pass listed (its stored plan's lines). */
    private record Approval(String passId, Set<String> changes) {
    }

    /** The lines of a stored plan that the brake counts (everything but adoptions). */
    private static Set<String> brakedChanges(String plan) {
        return plan == null ? Set.of() : plan.lines().filter(line -> !line.startsWith(Kind.ADOPT + " "))
                .collect(Collectors.toSet());
    }

    /** One pass in {@code mode} with every guard in place (a dry run with {@link Mode#REPORT}). */
    public Report reconcile(Mode mode) {
        return reconcile(mode, null);
    }

    /**
     * One pass, on one instance at a time across the cluster (a second instance's scheduled pass is skipped; a
     * confirmation arriving there is refused with {@link AlreadyRunning} and stands for the next pass).
     */
    private synchronized Report reconcile(Mode mode, Approval approval) {
        return singleton.callAlone("provisioning.reconciliation", () -> pass(mode, approval))
                .orElseThrow(AlreadyRunning::new);
    }

    /** Another instance is running a pass now (answered 409 reconciliation_running by the API). */
    public static class AlreadyRunning extends RuntimeException {
        AlreadyRunning() {
            super("another instance is running a reconciliation pass now; try again when it has finished");
        }
    }

    private Report pass(Mode mode, Approval approval) {
        String passId = UUID.randomUUID().toString();
        Instant startedAt = clock.instant();
        List<OwnedNumber> owned = numbers.listAll(); // throws on a malformed listing: nothing is judged by it
        List<OwnedNumber> ours = new ArrayList<>();
        List<Change> plan = new ArrayList<>();
        int others = 0;
        for (OwnedNumber number : owned) {
            Tag tag = tags.read(number.friendlyName());
            if (tag.owner() == Owner.OTHER) {
                others++;
                continue; // not ours to manage: the shared platform number, another deployment's, untagged
            }
            if (tag.owner() == Owner.THIS_DEPLOYMENT) {
                ours.add(number);
            }
            Change change = QuarkusTransaction.requiringNew().call(() -> judge(number, tag));
            if (change != null) {
                plan.add(change);
            }
        }
        Set<String> ownedSids = owned.stream().map(OwnedNumber::sid).collect(Collectors.toSet());
        Set<String> absentNow = new HashSet<>();
        int activeBefore = QuarkusTransaction.requiringNew().call(() -> {
            List<PhoneNumberRecord> active = PhoneNumberRecord.list("status = ?1 and purchasedAt < ?2",
                    PhoneNumberRecord.Status.ACTIVE, startedAt);
            for (PhoneNumberRecord number : active) {
                if (!ownedSids.contains(number.providerSid)) {
                    absentNow.add(number.providerSid);
                    if (absentFromLastListing.contains(number.providerSid)) {
                        plan.add(new Change(Kind.MISSING, null, number.workspaceId, number.id));
                    } else {
                        Log.warnf("Number %s of %s is absent from SignalWire's listing; given up if the next pass agrees",
                                number.e164, number.workspaceId);
                    }
                }
            }
            return active.size();
        });
        absentFromLastListing = absentNow;

        int changes = (int) plan.stream().filter(c -> c.kind() != Kind.ADOPT).count();
        int inventory = Math.max(ours.size(), activeBefore);
        int allowed = Math.max(config.reconcileMaxChanges(), (int) Math.ceil(inventory * 0.02));
        String refusal = null;
        List<String> unconfirmed = approval == null ? List.of() : plan.stream().filter(c -> c.kind() != Kind.ADOPT)
                .map(Change::describe).filter(change -> !approval.changes().contains(change)).toList();
        if (ours.isEmpty() && activeBefore > 0 && !absentNow.isEmpty()) {
            // no confirmation lifts this one: a listing without our numbers is SignalWire's (or our) error, not a plan
            refusal = "SignalWire listed none of this deployment's numbers while " + activeBefore + " are active";
        } else if (approval != null) {
            if (!unconfirmed.isEmpty()) {
                refusal = "the plan differs from confirmed pass " + approval.passId() + ": " + unconfirmed.size()
                        + " releases or give-ups it did not list (" + unconfirmed.get(0) + (unconfirmed.size() > 1 ? ", ..." : "")
                        + ")";
            }
        } else {
            var pending = QuarkusTransaction.requiringNew().call(ReconciliationPass::unconfirmedRefusal);
            if (pending.isPresent()) {
                refusal = "pass " + pending.get().id + " was refused and is not confirmed yet";
            } else if (changes > allowed) {
                refusal = changes + " releases or give-ups planned, more than the " + allowed + " allowed";
            }
        }
        String outcome = mode == Mode.REPORT ? "REPORTED" : refusal != null ? "REFUSED" : "APPLIED";
        String planText = plan.stream().map(Change::describe).collect(Collectors.joining("\n"));
        if (refusal != null && mode == Mode.APPLY) {
            registry.counter("provisioning.reconcile.refused").increment();
            Log.errorf("Reconciliation pass %s REFUSED (%s); nothing changed. Planned:%n%s%nConfirm with POST "
                    + "/api/admin/reconciliation/%s/confirm", passId, refusal, planText, passId);
        } else if (mode == Mode.REPORT && !plan.isEmpty()) {
            Log.infof("Reconciliation pass %s (report only) would do:%n%s", passId, planText);
        }
        int adopted = 0;
        int quarantined = 0;
        int rereleased = 0;
        int missing = 0;
        if ("APPLIED".equals(outcome)) {
            for (Change change : plan) {
                boolean done = QuarkusTransaction.requiringNew().call(() -> apply(change));
                if (done) {
                    switch (change.kind()) {
                        case ADOPT -> adopted++;
                        case QUARANTINE -> quarantined++;
                        case RERELEASE -> rereleased++;
                        case MISSING -> missing++;
                    }
                }
            }
            registry.counter("provisioning.reconcile.adopted").increment(adopted);
            registry.counter("provisioning.reconcile.orphans").increment(quarantined + rereleased);
            registry.counter("provisioning.reconcile.missing").increment(missing);
        }
        registry.counter("provisioning.reconcile.passes", "outcome", outcome).increment();
        String finalRefusal = refusal;
        QuarkusTransaction.requiringNew().run(() -> {
            ReconciliationPass pass = new ReconciliationPass();
            pass.id = passId;
            pass.startedAt = startedAt;
            pass.finishedAt = clock.instant();
            pass.mode = mode.name();
            pass.outcome = outcome;
            pass.owned = owned.size();
            pass.changes = changes;
            pass.plan = planText.isEmpty() ? null : planText;
            pass.reason = finalRefusal;
            pass.persist();
        });
        if ("APPLIED".equals(outcome)) {
            return new Report(passId, outcome, owned.size(), adopted, quarantined, rereleased, missing, others);
        }
        return new Report(passId, outcome, owned.size(), count(plan, Kind.ADOPT), count(plan, Kind.QUARANTINE),
                count(plan, Kind.RERELEASE), count(plan, Kind.MISSING), others);
    }

    private static int count(List<Change> plan, Kind kind) {
        return (int) plan.stream().filter(c -> c.kind() == kind).count();
    }

    /** What a tagged number needs, judged from the database alone (no change is made here). */
    private Change judge(OwnedNumber owned, Tag tag) {
        var known = PhoneNumberRecord.withSid(owned.sid());
        if (known.isPresent()) {
            PhoneNumberRecord number = known.get();
            if (number.status == PhoneNumberRecord.Status.RELEASED && tag.owner() == Owner.THIS_DEPLOYMENT) {
                // we believed it released, yet it is still billed: release it again
                return new Change(Kind.RERELEASE, owned, number.workspaceId, number.id);
            }
            return null;
        }
        Workspace workspace = Workspace.findById(tag.workspaceId());
        if (workspace != null && NumberSlot.waitingFor(workspace).isPresent()) {
            return new Change(Kind.ADOPT, owned, tag.workspaceId(), null);
        }
        return tag.owner() == Owner.THIS_DEPLOYMENT ? new Change(Kind.QUARANTINE, owned, tag.workspaceId(), null) : null;
    }

    /** Applies one planned change, re-checking under locks that it still holds; true if it was made. */
    private boolean apply(Change change) {
        Instant now = clock.instant();
        switch (change.kind()) {
            case RERELEASE -> {
                PhoneNumberRecord number = PhoneNumberRecord.findById(change.numberId(), LockModeType.PESSIMISTIC_WRITE);
                if (number == null || number.status != PhoneNumberRecord.Status.RELEASED) {
                    return false;
                }
                number.status = PhoneNumberRecord.Status.RELEASE_PENDING;
                number.releaseAfter = now;
                Log.infof("Releasing %s again: released by us, yet still billed", number.e164);
                return true;
            }
            case MISSING -> {
                PhoneNumberRecord number = PhoneNumberRecord.findById(change.numberId(), LockModeType.PESSIMISTIC_WRITE);
                if (number == null || number.status != PhoneNumberRecord.Status.ACTIVE) {
                    return false;
                }
                number.status = PhoneNumberRecord.Status.RELEASED;
                number.releasedAt = now;
                number.lastError = "missing at SignalWire in two consecutive reconciliation listings";
                events.unassignDedicated(number);
                Workspace workspace = Workspace.findById(number.workspaceId, LockModeType.PESSIMISTIC_WRITE);
                NumberSlot slot = NumberSlot.holding(number.id).orElse(null);
                if (slot != null) {
                    // the slot wants a number again: bought anew
                    slot.status = NumberSlot.Status.PROVISIONING;
                    slot.phoneNumberId = null;
                    slot.nextAttemptAt = now;
                    slot.updatedAt = now;
                    if (slot.isMain() && workspace != null && workspace.wantsDedicatedNumber()) {
                        workspace.status = Workspace.Status.PROVISIONING;
                        events.result(workspace, ProvisioningResult.Status.PROVISIONING, null);
                    }
                }
                Log.warnf("Number %s of %s is gone at SignalWire; provisioning again", number.e164, number.workspaceId);
                return true;
            }
            default -> {
                return adoptOrQuarantine(change, now);
            }
        }
    }

    private boolean adoptOrQuarantine(Change change, Instant now) {
        OwnedNumber owned = change.owned();
        if (PhoneNumberRecord.withSid(owned.sid()).isPresent()) {
            return false; // recorded meanwhile (a purchase committed after the listing)
        }
        Workspace workspace = Workspace.findById(change.workspaceId(), LockModeType.PESSIMISTIC_WRITE);
        PhoneNumberRecord number = new PhoneNumberRecord();
        number.workspaceId = change.workspaceId();
        number.e164 = owned.phoneNumber();
        number.providerSid = owned.sid();
        number.purchasedAt = now;
        ProvisioningAttempt attempt = new ProvisioningAttempt();
        attempt.workspaceId = change.workspaceId();
        attempt.kind = "ADOPT";
        attempt.startedAt = now;
        attempt.finishedAt = now;
        attempt.phoneNumber = owned.phoneNumber();
        attempt.providerSid = owned.sid();
        NumberSlot slot = workspace == null ? null : NumberSlot.waitingFor(workspace).orElse(null);
        if (slot != null) {
            number.status = PhoneNumberRecord.Status.ACTIVE;
            number.label = slot.label;
            number.persistAndFlush();
            attempt.outcome = "SUCCEEDED";
            attempt.persist();
            lifecycle.activate(workspace, slot, number); // clears the slot's lease: a purchase claimed meanwhile stops
            Log.infof("Adopted %s for %s (bought but not recorded)", owned.phoneNumber(), change.workspaceId());
            return change.kind() == Kind.ADOPT;
        }
        if (change.kind() != Kind.QUARANTINE) {
            return false; // a legacy-tagged number nobody wants: never ours to release
        }
        number.status = PhoneNumberRecord.Status.ORPHANED;
        number.releaseAfter = now.plus(config.orphanGrace());
        number.persist();
        attempt.outcome = "ORPHAN";
        attempt.persist();
        Log.warnf("Quarantined orphan %s tagged for %s until %s (released then unless its workspace claims it)",
                owned.phoneNumber(), change.workspaceId(), number.releaseAfter);
        return true;
    }
}
