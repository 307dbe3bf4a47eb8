package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.messaging.Outbox;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.RegistrationRequested;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Tells provisioning (through the outbox, in the caller's transaction) that SignalWire refused a sender as unregistered. */
@ApplicationScoped
public class RegistrationRequests {

    private final Outbox outbox;
    private final Clock clock;

    public RegistrationRequests(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    public void request(OutboundMessage m, String detail) {
        if (m.fromShared) {
            return; // the shared number is registered by hand: nothing for provisioning to do
        }
        outbox.publish(Topics.REGISTRATION_REQUESTS, m.fromNumber, new RegistrationRequested(PhoneNumber.parse(m.fromNumber),
                WorkspaceId.of(m.workspaceId), Dispatcher.UNREGISTERED_SENDER, detail, m.id.toString(), clock.instant()));
    }
}
