package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Applies workspace lifecycle events to the provisioning state. It never calls SignalWire: it only decides
 * what should happen (a purchase becomes due, a number enters its grace period) and publishes assignment
 * changes; {@link ProvisioningWorker} does the calls.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class LifecycleService {

    private final AssignmentEvents events;
    private final ProvisioningConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final NumberRegistration registration;

    public LifecycleService(AssignmentEvents events, ProvisioningConfig config, Clock clock, MeterRegistry registry,
            NumberRegistration registration) {
        this.registration = registration;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
    }

    public void apply(WorkspaceLifecycleEvent event) {
        Instant now = clock.instant();
        String id = event.workspaceId().value();
        Workspace workspace = Workspace.findById(id, LockModeType.PESSIMISTIC_WRITE);
        boolean isNew = workspace == null;
        if (isNew) {
            // persisted at the end, once its status is decided; a brand-new workspace has no assignment yet
            workspace = new Workspace();
            workspace.id = id;
            workspace.plan = Plan.STARTER;
            workspace.lifecycleVersion = Long.MIN_VALUE;
            workspace.createdAt = now;
        } else if (workspace.deleted) {
            ignored("after_deletion");
            return; // Clerk never reuses an organization id: nothing after a deletion applies
        }
        boolean billing = isBilling(event);
        long applied = billing ? workspace.billingVersion : workspace.lifecycleVersion;
        if (!isNew && event.kind() != WorkspaceLifecycleEvent.Kind.DELETED && event.version() < applied) {
            ignored("stale");
            Log.infof("Ignoring stale %s for %s (%s version %d < %d)", event.kind(), id, billing ? "billing" : "organization",
                    event.version(), applied);
            return;
        }
        if (billing) {
            workspace.billingVersion = Math.max(workspace.billingVersion, event.version());
        } else {
            workspace.lifecycleVersion = Math.max(workspace.lifecycleVersion, event.version());
        }
        workspace.updatedAt = now;
        if (event.name() != null) {
            workspace.name = event.name();
        }
        if (event.preferredAreaCode() != null) {
            workspace.preferredAreaCode = event.preferredAreaCode();
        }
        if (event.kind() == WorkspaceLifecycleEvent.Kind.DELETED) {
            delete(workspace, now);
        } else if (event.plan() == null && !isNew) {
            // an update that says nothing about the plan (a rename, say) changes nothing about numbers
            ignored("no_plan");
        } else if (event.plan() != null && event.plan().hasDedicatedNumber()) {
            Plan before = workspace.plan;
            workspace.plan = event.plan();
            wantDedicatedNumber(workspace, now);
            if (!isNew && before.hasDedicatedNumber() && before != workspace.plan) {
                // Pro <-> Enterprise: the numbers kept say so, since the plan bounds what their forwarded calls may cost
                PhoneNumberRecord.<PhoneNumberRecord>list("workspaceId = ?1 and status = ?2", id, PhoneNumberRecord.Status.ACTIVE)
                        .forEach(events::assignDedicated);
            }
        } else {
            workspace.plan = Plan.STARTER;
            moveToSharedNumber(workspace, now);
        }
        if (isNew) {
            workspace.persist();
        }
    }

    /**
     * A Pro or Enterprise workspace: its Main slot wants a number. Below Enterprise, extra slots are given up (their
     * numbers enter the grace period; a re-upgrade in time gets Main's back, extra slots are added again by hand).
     */
    private void wantDedicatedNumber(Workspace workspace, Instant now) {
        List<NumberSlot> slots = NumberSlot.currentOf(workspace.id);
        if (workspace.plan != Plan.ENTERPRISE) {
            slots.stream().filter(slot -> !slot.isMain()).forEach(slot -> giveUp(slot, now));
        }
        NumberSlot main = slots.stream().filter(NumberSlot::isMain).findFirst().orElseGet(() -> newSlot(workspace, "Main", now));
        if (main.status == NumberSlot.Status.ACTIVE) {
            if (workspace.status != Workspace.Status.ACTIVE) {
                workspace.status = Workspace.Status.ACTIVE;
            }
            return;
        }
        var reclaimable = PhoneNumberRecord.reclaimableFor(workspace.id);
        if (reclaimable.isPresent()) {
            // re-upgraded inside the grace period: the same number comes back
            PhoneNumberRecord number = reclaimable.get();
            number.status = PhoneNumberRecord.Status.ACTIVE;
            number.releaseAfter = null;
            number.label = main.label;
            activate(workspace, main, number);
            return;
        }
        if (workspace.status != Workspace.Status.PROVISIONING && workspace.status != Workspace.Status.FAILED) {
            workspace.status = Workspace.Status.PROVISIONING;
            workspace.attempts = 0;
            workspace.lastError = null;
            workspace.lastErrorCode = null;
            events.result(workspace, ProvisioningResult.Status.PROVISIONING, null);
        }
    }

    /** A new slot whose purchase is due now. */
    public NumberSlot newSlot(Workspace workspace, String label, Instant now) {
        NumberSlot slot = new NumberSlot();
        slot.workspaceId = workspace.id;
        slot.label = label;
        slot.status = NumberSlot.Status.PROVISIONING;
        slot.nextAttemptAt = now;
        slot.createdAt = now;
        slot.updatedAt = now;
        slot.persist();
        return slot;
    }

    /**
     * Puts {@code number} in {@code slot} and tells everyone; used by purchase, re-upgrade and adoption. The Main
     * slot's state is the workspace's: it becomes ACTIVE and leaves the shared number.
     */
    void activate(Workspace workspace, NumberSlot slot, PhoneNumberRecord number) {
        slot.status = NumberSlot.Status.ACTIVE;
        slot.phoneNumberId = number.id;
        slot.nextAttemptAt = null;
        slot.leaseToken = null; // a purchase claimed meanwhile finds its slot filled and stops
        slot.lastError = null;
        slot.lastErrorCode = null;
        slot.updatedAt = clock.instant();
        registration.begin(number, workspace.plan); // before the assignment goes out: it carries the messaging state
        events.assignDedicated(number);
        if (!slot.isMain()) {
            return;
        }
        workspace.status = Workspace.Status.ACTIVE;
        workspace.lastError = null;
        workspace.lastErrorCode = null;
        if (workspace.onSharedNumber) {
            events.unassignShared(workspace);
            workspace.onSharedNumber = false;
        }
        events.result(workspace, ProvisioningResult.Status.ACTIVE, number);
    }

    /** The slot is no longer wanted: its number (if any) enters the grace period, its purchase stops. */
    public void giveUp(NumberSlot slot, Instant now) {
        if (slot.phoneNumberId != null) {
            PhoneNumberRecord number = PhoneNumberRecord.findById(slot.phoneNumberId, LockModeType.PESSIMISTIC_WRITE);
            if (number != null && number.status == PhoneNumberRecord.Status.ACTIVE) {
                scheduleRelease(number, now);
            }
        }
        slot.status = NumberSlot.Status.RELEASED;
        slot.nextAttemptAt = null;
        slot.leaseToken = null;
        slot.updatedAt = now;
    }

    private void moveToSharedNumber(Workspace workspace, Instant now) {
        PhoneNumberRecord.activeFor(workspace.id).ifPresent(number ->
                events.result(workspace, ProvisioningResult.Status.RELEASE_PENDING, number));
        NumberSlot.currentOf(workspace.id).forEach(slot -> giveUp(slot, now));
        if (!workspace.onSharedNumber) {
            events.assignShared(workspace);
            workspace.onSharedNumber = true;
        }
        if (workspace.status != Workspace.Status.SHARED) {
            workspace.status = Workspace.Status.SHARED;
            events.result(workspace, ProvisioningResult.Status.SHARED, null);
        }
    }

    private void delete(Workspace workspace, Instant now) {
        NumberSlot.currentOf(workspace.id).forEach(slot -> giveUp(slot, now));
        if (workspace.onSharedNumber) {
            events.unassignShared(workspace);
            workspace.onSharedNumber = false;
        }
        workspace.deleted = true;
        workspace.status = Workspace.Status.REMOVED;
        events.result(workspace, ProvisioningResult.Status.REMOVED, null);
    }

    private void scheduleRelease(PhoneNumberRecord number, Instant now) {
        number.status = PhoneNumberRecord.Status.RELEASE_PENDING;
        number.releaseAfter = now.plus(config.releaseGracePeriod());
        events.unassignDedicated(number);
    }

    /** Clerk Billing's subscription events carry their own clock (origin {@code clerk:subscriptionItem.*}). */
    private static boolean isBilling(WorkspaceLifecycleEvent event) {
        return event.origin() != null && event.origin().startsWith("clerk:subscriptionItem");
    }

    private void ignored(String reason) {
        registry.counter("lifecycle.events.ignored", "reason", reason).increment();
    }
}
