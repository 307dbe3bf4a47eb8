package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.MessagingState;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;
import java.util.List;

/**
 * The current owner of a number. Published on the compacted assignments topic; a tombstone (null value)
 * under the same key means the assignment ended. {@code shared} marks the platform number that Starter
 * workspaces use; {@code forwardTo} is where calls to the number are dialled (null: voicemail); {@code messaging}
 * says whether carriers take its messages yet (10DLC registration, toll-free verification; null on the shared
 * number and on events from before it existed: sendable); {@code plan} is the owner's plan, which bounds what its
 * forwarded calls may cost (null on the shared number and on older events); {@code forwardingCountries} are the
 * countries an operator let this workspace forward calls to instead of the platform's (null: the platform's);
 * {@code voicemailGreeting} is what callers hear before leaving a voicemail on the number (null: the default sentence).
 */
public record NumberAssignment(
        PhoneNumber phoneNumber,
        WorkspaceId workspaceId,
        String label,
        boolean shared,
        String providerSid,
        PhoneNumber forwardTo,
        Instant assignedAt,
        MessagingState messaging,
        Plan plan,
        List<String> forwardingCountries,
        String voicemailGreeting) {

    public NumberAssignment(PhoneNumber phoneNumber, WorkspaceId workspaceId, String label, boolean shared, String providerSid,
            PhoneNumber forwardTo, Instant assignedAt) {
        this(phoneNumber, workspaceId, label, shared, providerSid, forwardTo, assignedAt, null, null, null, null);
    }

    public NumberAssignment(PhoneNumber phoneNumber, WorkspaceId workspaceId, String label, boolean shared, String providerSid,
            PhoneNumber forwardTo, Instant assignedAt, MessagingState messaging) {
        this(phoneNumber, workspaceId, label, shared, providerSid, forwardTo, assignedAt, messaging, null, null, null);
    }

    public NumberAssignment(PhoneNumber phoneNumber, WorkspaceId workspaceId, String label, boolean shared, String providerSid,
            PhoneNumber forwardTo, Instant assignedAt, MessagingState messaging, Plan plan) {
        this(phoneNumber, workspaceId, label, shared, providerSid, forwardTo, assignedAt, messaging, plan, null, null);
    }

    public NumberAssignment(PhoneNumber phoneNumber, WorkspaceId workspaceId, String label, boolean shared, String providerSid,
            PhoneNumber forwardTo, Instant assignedAt, MessagingState messaging, Plan plan, List<String> forwardingCountries) {
        this(phoneNumber, workspaceId, label, shared, providerSid, forwardTo, assignedAt, messaging, plan, forwardingCountries, null);
    }

    /** Whether outbound may send from the number now (unknown counts as yes: the shared number, older events). */
    public boolean sendable() {
        return messaging == null || !messaging.holdsMessages();
    }

    /** The record key on the compacted topic, so that shared-number assignments do not overwrite each other. */
    public String key() {
        return keyFor(phoneNumber, shared ? workspaceId : null);
    }

    public static String keyFor(PhoneNumber number, WorkspaceId sharedBy) {
        return sharedBy == null ? number.e164() : number.e164() + "#" + sharedBy.value();
    }
}
