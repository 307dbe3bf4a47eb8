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

    public LifecycleService(AssignmentEvents events, ProvisioningConfig config, Clock clock, MeterRegistry registry) {
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
            workspace.plan = event.plan();
            wantDedicatedNumber(workspace, now);
        } else {
            workspace.plan = Plan.STARTER;
            moveToSharedNumber(workspace, now);
        }
        if (isNew) {
            workspace.persist();
        }
    }

    private void wantDedicatedNumber(Workspace workspace, Instant now) {
        if (PhoneNumberRecord.activeFor(workspace.id).isPresent()) {
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
            activate(workspace, number);
            return;
        }
        if (workspace.status != Workspace.Status.PROVISIONING && workspace.status != Workspace.Status.FAILED) {
            workspace.status = Workspace.Status.PROVISIONING;
            workspace.attempts = 0;
            workspace.nextAttemptAt = now;
            workspace.lastError = null;
            workspace.lastErrorCode = null;
            events.result(workspace, ProvisioningResult.Status.PROVISIONING, null);
        }
    }

    /** Makes {@code number} the workspace's number and tells everyone; used by purchase, re-upgrade and adoption. */
    void activate(Workspace workspace, PhoneNumberRecord number) {
        workspace.status = Workspace.Status.ACTIVE;
        workspace.nextAttemptAt = null;
        workspace.lastError = null;
        workspace.lastErrorCode = null;
        events.assignDedicated(number);
        if (workspace.onSharedNumber) {
            events.unassignShared(workspace);
            workspace.onSharedNumber = false;
        }
        events.result(workspace, ProvisioningResult.Status.ACTIVE, number);
    }

    private void moveToSharedNumber(Workspace workspace, Instant now) {
        PhoneNumberRecord.activeFor(workspace.id).ifPresent(number -> {
            scheduleRelease(number, now);
            events.result(workspace, ProvisioningResult.Status.RELEASE_PENDING, number);
        });
        workspace.nextAttemptAt = null;
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
        PhoneNumberRecord.activeFor(workspace.id).ifPresent(number -> scheduleRelease(number, now));
        if (workspace.onSharedNumber) {
            events.unassignShared(workspace);
            workspace.onSharedNumber = false;
        }
        workspace.deleted = true;
        workspace.nextAttemptAt = null;
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
