package ai.galaxyco.phone.console.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/** What the operator page shows, as the services' operator endpoints answer it. */
public final class Operations {

    private Operations() {
    }

    /** One part of the page: its rows, or why they could not be read (the rest of the page still shows). */
    public record Section<T>(List<T> items, String error) {

        public static <T> Section<T> of(List<T> items) {
            return new Section<>(items, null);
        }

        public static <T> Section<T> failed(String error) {
            return new Section<>(List.of(), error);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FailedWorkspace(String workspaceId, String name, String plan, int attempts, String lastError, Instant updatedAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pass(String id, Instant startedAt, String outcome, int changes, List<String> plan, String reason,
            Instant confirmedAt) {

        /** A pass the safety brake refused and nobody confirmed yet: the page offers to confirm it. */
        public boolean awaitingConfirmation() {
            return "REFUSED".equals(outcome) && confirmedAt == null;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Orphan(String phoneNumber, String workspaceId, Instant quarantinedAt, Instant releaseAfter) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Unrouted(String from, String to, String channel, String reason, Instant receivedAt) {
    }

    /** Messages the pumping guard held, one row per workspace and number range, as an operator decides on them. */
    public record HeldGroup(String workspaceId, String range, int messages, Instant oldest) {
    }

    /** One audit record of a service: who changed what, and when. */
    public record Change(String service, Instant at, String workspaceId, String actor, String actorRole, String action,
            String subject) {
    }

    /** A dead-letter topic of one service, with how many of its records wait for a replay. */
    public record DeadLetterTopic(String service, String topic, int total, int pending) {
    }
}
