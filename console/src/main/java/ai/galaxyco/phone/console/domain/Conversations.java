package ai.galaxyco.phone.console.domain;

import ai.galaxyco.phone.model.values.MessageStatus;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * What the conversations page shows, as the services answer it: inboxes and threads from routing, a contact's
 * consent from outbound.
 */
public final class Conversations {

    private Conversations() {
    }

    /** An inbox: its unread conversations, and its voicemails and missed calls nobody has marked heard. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Inbox(String label, List<String> phoneNumbers, long conversations, long unread, long unheardVoicemails,
            long missedCalls) {

        public long unheardCalls() {
            return unheardVoicemails + missedCalls;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Inboxes(List<Inbox> items) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Conversation(String id, String inbox, String ourNumber, String contact, String channel, Instant lastMessageAt,
            boolean unread) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ConversationList(List<Conversation> items) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String direction, String outboundId, String body, String media, String status, Instant occurredAt) {

        public boolean outbound() {
            return "OUTBOUND".equals(direction);
        }

        /** An outbound message whose status may still change (queued, sending, sent without a receipt yet). */
        public boolean settling() {
            MessageStatus known = MessageStatus.named(status);
            return outbound() && (known == null || !known.isTerminal());
        }

        public String statusLabel() {
            return status == null ? "" : status.toUpperCase(java.util.Locale.ROOT);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Thread(List<Message> items) {

        public boolean settling() {
            return items.stream().anyMatch(Message::settling);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NumberConsent(String phoneNumber, String label, boolean shared, boolean optedOut, String source, Instant since) {

        /** Why the composer is disabled for this number, in words. */
        public String reason() {
            if (!optedOut) {
                return "";
            }
            String how = source == null ? "" : source.startsWith("keyword:") ? " by replying " + source.substring(8)
                    : source.startsWith("signalwire:21610") ? " (the carrier reports they unsubscribed)" : "";
            return "This contact opted out of messages from " + phoneNumber + how + ". They can write START to opt back in.";
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Consent(String contact, List<NumberConsent> numbers) {

        public NumberConsent from(String phoneNumber) {
            return numbers.stream().filter(n -> n.phoneNumber().equals(phoneNumber)).findFirst().orElse(null);
        }
    }
}
