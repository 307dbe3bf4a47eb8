package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;

/**
 * A call to one of our numbers and what the gateway answered. {@code workspaceId} is the gateway's view
 * at answer time (null when unknown); routing resolves it again from its own copy of the assignments.
 * A voicemail recording arrives as a second event with {@code disposition} RECORDING.
 */
public record InboundCall(
        String callSid,
        PhoneNumber from,
        PhoneNumber to,
        String callStatus,
        Disposition disposition,
        WorkspaceId workspaceId,
        PhoneNumber forwardedTo,
        String recordingUrl,
        Integer recordingDurationSeconds,
        Instant receivedAt) {

    public enum Disposition {
        FORWARDED,
        VOICEMAIL,
        UNKNOWN_NUMBER,
        RECORDING
    }
}
