package ai.galaxyco.phone.console.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * What the phone settings page shows: the numbers API's list ({@code GET …/phone-numbers}) and the provisioning
 * history ({@code GET …/numbers}), as the provisioning service answers them.
 */
public final class PhoneSettings {

    private PhoneSettings() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Numbers(List<NumberItem> items, String plan, int maxNumbers) {

        public String planName() {
            return plan == null ? "Unknown" : plan.charAt(0) + plan.substring(1).toLowerCase(java.util.Locale.ROOT);
        }

        public boolean starter() {
            return "STARTER".equals(plan);
        }

        public boolean enterprise() {
            return "ENTERPRISE".equals(plan);
        }

        /** Something is still being bought or released: the page keeps asking for changes. */
        public boolean changing() {
            return items.stream().anyMatch(n -> "PROVISIONING".equals(n.status()) || "RELEASING".equals(n.status()));
        }

        /** Numbers that count against the plan's limit (not released, not the shared number). */
        public long held() {
            return items.stream().filter(n -> n.dedicated() || n.phoneNumber() == null)
                    .filter(n -> !"RELEASED".equals(n.status())).count();
        }

        /** A paying workspace with no number bought or being bought: the page offers "Get phone number". */
        public boolean missingNumber() {
            return !starter() && items.stream().noneMatch(n -> (n.dedicated() || n.phoneNumber() == null)
                    && !"RELEASED".equals(n.status()) && !"RELEASING".equals(n.status()));
        }

        public boolean mayAddNumber() {
            return enterprise() && held() < maxNumbers;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NumberItem(String phoneNumber, String status, boolean dedicated, String label, String inbox,
            String forwardTo, String failureReason, Instant provisionedAt, Instant releaseAfter, Messaging messaging,
            String voicemailGreeting) {

        public String statusClass() {
            return status == null ? "unknown" : status.toLowerCase(java.util.Locale.ROOT);
        }

        public boolean failed() {
            return "FAILED".equals(status);
        }

        public boolean editable() {
            return dedicated && "ACTIVE".equals(status);
        }

        public boolean main() {
            return "main".equalsIgnoreCase(label);
        }

        /** The number as people write it: +1 415 555 0100 for a North American one. */
        public String display() {
            if (phoneNumber == null) {
                return "Number pending";
            }
            if (phoneNumber.startsWith("+1") && phoneNumber.length() == 12) {
                return "+1 (" + phoneNumber.substring(2, 5) + ") " + phoneNumber.substring(5, 8) + "-" + phoneNumber.substring(8);
            }
            return phoneNumber;
        }

        /** Where carriers stand with the number's messages, in words; null when there is nothing to say. */
        public String messagingNote() {
            if (messaging == null || messaging.state() == null) {
                return null;
            }
            return switch (messaging.state()) {
                case "SENDABLE" -> null;
                case "PENDING_REGISTRATION" -> "Messages wait until carriers approve the number's registration (10DLC); calls work now.";
                case "VERIFICATION_PENDING" -> "Messages wait until the toll-free verification is approved; calls work now.";
                case "UNREGISTERED" -> "Not registered with a messaging campaign; carriers may refuse its messages.";
                default -> messaging.state();
            };
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Messaging(String state, String reason, Instant since) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record History(String status, int attempts, Instant nextAttemptAt, String lastError, List<Attempt> recentAttempts) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Attempt(String kind, Instant startedAt, Instant finishedAt, String outcome, String phoneNumber,
            String errorCode, String errorMessage) {

        /** "Buying a number", "Releasing +1…": what was tried, in words. */
        public String what() {
            return switch (kind == null ? "" : kind) {
                case "PURCHASE" -> "Buying a number";
                case "RELEASE" -> "Releasing " + (phoneNumber == null ? "a number" : phoneNumber);
                case "ADOPT" -> "Taking over " + (phoneNumber == null ? "a number" : phoneNumber) + " found at SignalWire";
                default -> kind;
            };
        }

        public String result() {
            if (outcome == null) {
                return "In progress";
            }
            return switch (outcome) {
                case "SUCCEEDED" -> phoneNumber == null || !"PURCHASE".equals(kind) ? "Done" : "Got " + phoneNumber;
                case "FAILED" -> "Failed: " + (errorMessage == null ? "no reason given" : errorMessage);
                case "SUPERSEDED" -> "Not needed any more";
                case "CANCELLED" -> "Cancelled" + (errorMessage == null ? "" : ": " + errorMessage);
                case "ORPHAN" -> "Set aside for release (no workspace wants it)";
                default -> outcome;
            };
        }
    }
}
