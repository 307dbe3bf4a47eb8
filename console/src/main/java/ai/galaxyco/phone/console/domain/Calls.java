package ai.galaxyco.phone.console.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** What the calls page shows, as routing's call log answers it. */
public final class Calls {

    private Calls() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Voicemail(Integer durationSeconds, String transcript, String transcriptStatus, boolean heard) {

        /** The transcript, or why there is none (yet). */
        public String transcriptText() {
            if (transcript != null && !transcript.isBlank()) {
                return transcript;
            }
            return "failed".equals(transcriptStatus) ? "No transcript: SignalWire could not transcribe this voicemail."
                    : "The transcript is on its way.";
        }

        public boolean hasTranscript() {
            return transcript != null && !transcript.isBlank();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Call(String id, String callSid, String from, String ourNumber, String label, String inbox, String direction,
            String status, String outcome, Instant startedAt, Instant answeredAt, Instant endedAt, Integer durationSeconds,
            String forwardedTo, Voicemail voicemail, boolean unread) {

        /** The outcome as the badge says it. */
        public String outcomeLabel() {
            return switch (outcome == null ? "" : outcome) {
                case "FORWARDED" -> "Answered";
                case "VOICEMAIL" -> "Voicemail";
                case "MISSED" -> "Missed";
                case "IN_PROGRESS" -> "In progress";
                default -> outcome == null ? "" : outcome;
            };
        }

        public String outcomeClass() {
            return outcome == null ? "unknown" : outcome.toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** "1:05" for a call that lasted 65 seconds; empty while it lasts. */
        public String durationText() {
            return durationOf(durationSeconds);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CallList(List<Call> items, String nextCursor) {
    }

    public static String durationOf(Integer seconds) {
        if (seconds == null) {
            return "";
        }
        return seconds / 60 + ":" + String.format(Locale.ROOT, "%02d", seconds % 60);
    }
}
