package ai.galaxyco.phone.model.values;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The status of a message we send, the same in every service (events carry its name): it only ever moves to a
 * higher rank, and the terminal ones never change.
 */
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

    /** The carrier took the message (it counts as the workspace writing to that person). */
    public boolean carrierAccepted() {
        return this == SENT || this == DELIVERED;
    }

    /** SignalWire has priced the message once it is delivered or not; a failed one is not charged. */
    public boolean priced() {
        return isTerminal() && this != FAILED;
    }

    /** A status name as events and rows carry it, in any case; null for null or a name that is not a status. */
    public static MessageStatus named(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * SQL for the rank of a status column, for "only move forward" updates done in the database; a missing or
     * unknown status ranks as terminal, so nothing overwrites what we cannot read.
     */
    public static String sqlRank(String column) {
        return Arrays.stream(values()).map(s -> "when '" + s.name() + "' then " + s.rank)
                .collect(Collectors.joining(" ", "(case " + column + " ", " else " + FAILED.rank + " end)"));
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
