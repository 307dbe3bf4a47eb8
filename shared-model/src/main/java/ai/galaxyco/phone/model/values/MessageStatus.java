package ai.galaxyco.phone.outbound.domain;

import java.util.Locale;

/** Our message statuses. A status only ever moves to a higher rank, and terminal ones never change. */
public enum MessageStatus {
    QUEUED(0),
    SENDING(1),
    SENT(2),
    DELIVERED(3),
    UNDELIVERED(3),
    FAILED(3);

    private final int rank;

    MessageStatus(int rank) {
        this.rank = rank;
    }

    public boolean isTerminal() {
        return rank == 3;
    }

    /** True when moving from this status to {@code next} is progress, not a step back or a repeat. */
    public boolean canMoveTo(MessageStatus next) {
        return !isTerminal() && next.rank > rank;
    }

    /** Maps SignalWire's REST and webhook statuses (both sets) to ours; null for ones that say nothing new. */
    public static MessageStatus fromProvider(String status) {
        if (status == null) {
            return null;
        }
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "queued", "accepted", "initiated", "sending", "scheduled" -> SENDING;
            case "sent" -> SENT;
            case "delivered", "read" -> DELIVERED;
            case "undelivered" -> UNDELIVERED;
            case "failed", "canceled" -> FAILED;
            default -> null;
        };
    }
}
