package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.model.values.DestinationPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * A send that cannot be accepted, and why. The reason says whether it can pass (a request from another service then
 * waits and is tried again); the API answers it with the HTTP status {@code api.SendRefusals} gives it.
 */
public class SendRefused extends RuntimeException {

    /** Why a send is refused; {@code code} is the stable code clients switch on. */
    public enum Reason {
        /** The request itself is wrong: a missing or invalid field. */
        INVALID_REQUEST("invalid_request", false),
        INVALID_LABEL("invalid_label", false),
        /** The recipient's number is of a type the platform never pays for (premium rate, shared cost...). */
        DESTINATION_NUMBER_TYPE_NOT_ALLOWED(DestinationPolicy.Reason.NUMBER_TYPE.code(), false),
        /** The recipient's number is in a country messaging is not allowed to. */
        DESTINATION_COUNTRY_NOT_ALLOWED(DestinationPolicy.Reason.COUNTRY.code(), false),
        /** The recipient sent STOP to the sender number. */
        RECIPIENT_OPTED_OUT("recipient_opted_out", false),
        /** The workspace spent its daily or monthly messaging budget (USD): it passes only when the budget starts again. */
        BUDGET_EXHAUSTED("budget_exhausted", false),
        /** The workspace used its day's share of the shared number: it does not pass within minutes. */
        SHARED_NUMBER_QUOTA("shared_number_quota", false),
        /** The named sender number is not this workspace's. */
        SENDER_NOT_OWNED("sender_not_owned", false),
        /** The workspace has no number to send from yet (its purchase may still be running right after sign-up). */
        NO_SENDER_NUMBER("no_sender_number", true),
        /** No number of the workspace has that label yet. */
        NO_NUMBER_FOR_LABEL("no_number_for_label", true);

        private final String code;
        private final boolean passes;

        Reason(String code, boolean passes) {
            this.code = code;
            this.passes = passes;
        }

        public String code() {
            return code;
        }

        /** Whether the same send may be accepted a little later, with nothing changed by the sender. */
        public boolean passes() {
            return passes;
        }
    }

    private final Reason reason;
    private final Duration retryAfter;

    public SendRefused(Reason reason, String detail) {
        this(reason, detail, null);
    }

    /** @param retryAfter when the same send would be accepted again (the API's Retry-After), if known */
    public SendRefused(Reason reason, String detail, Duration retryAfter) {
        super(detail);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public Reason reason() {
        return reason;
    }

    public String code() {
        return reason.code();
    }
}
