package ai.galaxyco.phone.model.values;

/**
 * Whether carriers will take messages from a dedicated number (US A2P rules). A 10DLC number must belong to a
 * registered campaign; a toll-free number must be verified. Provisioning owns the state and publishes it on
 * {@code number-assignments}; outbound holds messages from a number in a state that {@link #holdsMessages()}.
 */
public enum MessagingState {
    /** No campaign is configured for its plan: it sends as is and carriers may refuse it (error 21717). */
    UNREGISTERED,
    /** Being assigned to a 10DLC campaign (an order is pending, or a failed order waits for its retry). */
    PENDING_REGISTRATION,
    /** A toll-free number waiting for its verification (a web form, no API); an operator marks it verified. */
    VERIFICATION_PENDING,
    /** Registered or verified: carriers accept its messages. */
    SENDABLE;

    /** Messages from the number wait instead of being refused by carriers. */
    public boolean holdsMessages() {
        return this == PENDING_REGISTRATION || this == VERIFICATION_PENDING;
    }

    /**
     * Whether messages may leave from a number whose state is {@code state} (a stored name): no state, as on a number
     * assigned before states existed, sends.
     */
    public static boolean allowsSending(String state) {
        return state == null || !valueOf(state).holdsMessages();
    }

    /** {@link #allowsSending} as SQL over a column holding state names, for queries that pick sendable numbers. */
    public static String sqlAllowsSending(String column) {
        return "(" + column + " is null or " + column + " not in (" + java.util.Arrays.stream(values())
                .filter(MessagingState::holdsMessages).map(s -> "'" + s.name() + "'")
                .collect(java.util.stream.Collectors.joining(", ")) + "))";
    }
}
