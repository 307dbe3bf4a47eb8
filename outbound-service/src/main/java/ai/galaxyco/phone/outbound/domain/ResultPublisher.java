package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.messaging.Outbox;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Publishes a message's current state on the outbound-results topic (through the outbox). */
@ApplicationScoped
public class ResultPublisher {

    private final Outbox outbox;
    private final Clock clock;

    public ResultPublisher(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    public void publish(OutboundMessage m) {
        int media = m.mediaUrlList().size();
        outbox.publish(Topics.OUTBOUND_RESULTS, m.toNumber, new OutboundResult(m.id.toString(), WorkspaceId.of(m.workspaceId),
                m.providerSid, PhoneNumber.parse(m.fromNumber), PhoneNumber.parse(m.toNumber), m.fromShared, m.body,
                m.status.name(), m.errorCode, m.segments, m.price, m.priceUnit, m.createdAt, clock.instant(),
                media > 0 ? Channel.MMS : Channel.SMS, media));
    }
}
