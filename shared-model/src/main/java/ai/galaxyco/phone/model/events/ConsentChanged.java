package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;

/**
 * A contact opted out of, back into, or asked for help on one of our numbers. Opt-outs are per
 * (our number, contact): a STOP to the shared number stops every workspace on it.
 */
public record ConsentChanged(
        PhoneNumber ourNumber,
        PhoneNumber contact,
        WorkspaceId workspaceId,
        Kind kind,
        String keyword,
        String messageSid,
        Instant occurredAt) {

    public enum Kind {
        OPT_OUT,
        OPT_IN,
        HELP
    }
}
