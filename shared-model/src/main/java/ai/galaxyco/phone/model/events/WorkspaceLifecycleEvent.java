package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;

/**
 * A workspace (Clerk organization) was created, changed or deleted. {@code plan} is null for a deletion and for
 * an update that says nothing about the plan (no change). {@code version} is the source's {@code updated_at} in
 * milliseconds (or the webhook time when absent) so that a late, stale update can be recognised and ignored;
 * {@code origin} ({@code clerk:<event type>}) names the source, and versions of different sources (organization
 * events, Clerk Billing's {@code subscriptionItem.*}) are never compared with each other.
 */
public record WorkspaceLifecycleEvent(
        WorkspaceId workspaceId,
        Kind kind,
        Plan plan,
        String preferredAreaCode,
        String name,
        long version,
        String origin,
        Instant occurredAt) {

    public enum Kind {
        CREATED,
        UPDATED,
        DELETED
    }
}
