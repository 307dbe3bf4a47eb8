package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;

/**
 * A call to one of our numbers and what the gateway answered. {@code workspaceId} is the gateway's view
 * at answer time (null when unknown); routing resolves it again from its own copy of the assignments.
 * Later steps of the same call arrive as further events under the same {@code callSid}: the forward's result
 * (DIAL_RESULT, with {@code dialCallStatus} and {@code dialCallDurationSeconds}), the voicemail recording
 * (RECORDING) and its transcript (TRANSCRIPTION, with {@code transcript} and {@code transcriptStatus}).
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
        Instant receivedAt,
        String dialCallStatus,
        Integer dialCallDurationSeconds,
        String transcript,
        String transcriptStatus) {

    /** The call as answered, or its recording (no dial result, no transcript). */
    public InboundCall(String callSid, PhoneNumber from, PhoneNumber to, String callStatus, Disposition disposition,
            WorkspaceId workspaceId, PhoneNumber forwardedTo, String recordingUrl, Integer recordingDurationSeconds,
            Instant receivedAt) {
        this(callSid, from, to, callStatus, disposition, workspaceId, forwardedTo, recordingUrl, recordingDurationSeconds,
                receivedAt, null, null, null, null);
    }

    public enum Disposition {
        FORWARDED,
        VOICEMAIL,
        UNKNOWN_NUMBER,
        RECORDING,
        /** The forward's outcome ({@code <Dial action>}): answered there, or on to voicemail. */
        DIAL_RESULT,
        /** The voicemail's transcript ({@code <Record transcribeCallback>}). */
        TRANSCRIPTION
    }
}
