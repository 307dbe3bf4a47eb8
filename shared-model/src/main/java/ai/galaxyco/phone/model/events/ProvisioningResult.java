package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;

/** A change in a workspace's number provisioning, for analytics, the console and senders. */
public record ProvisioningResult(
        WorkspaceId workspaceId,
        Status status,
        Plan plan,
        PhoneNumber phoneNumber,
        String providerSid,
        int attempt,
        String errorCode,
        String errorMessage,
        Instant occurredAt) {

    public enum Status {
        /** Buying a number is under way (or will be retried). */
        PROVISIONING,
        /** The workspace has its dedicated number. */
        ACTIVE,
        /** The workspace uses the shared platform number. */
        SHARED,
        /** The last attempt failed; another follows at {@code occurredAt} + backoff. */
        FAILED,
        /** The dedicated number is kept for the grace period, then released. */
        RELEASE_PENDING,
        /** The number went back to SignalWire. */
        RELEASED,
        /** The workspace was deleted and holds nothing any more. */
        REMOVED
    }
}
