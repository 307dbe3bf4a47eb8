package ai.galaxyco.phone.routing.messaging;

import ai.galaxyco.phone.kit.messaging.DeadLetters;
import ai.galaxyco.phone.kit.messaging.IdempotentConsumer;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.routing.domain.RoutingService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** The topics routing consumes; each record is handled once (deduplicated on ce_id) in its own transaction. */
@ApplicationScoped
public class RoutingConsumers {

    private final IdempotentConsumer idempotent;
    private final RoutingService routing;
    private final DeadLetters deadLetters;

    public RoutingConsumers(IdempotentConsumer idempotent, RoutingService routing, DeadLetters deadLetters) {
        this.idempotent = idempotent;
        this.routing = routing;
        this.deadLetters = deadLetters;
    }

    @Incoming("number-assignments")
    @Blocking
    public void assignment(ConsumerRecord<String, String> record) {
        idempotent.process("routing.assignments", record, r -> routing.applyAssignment(r.key(),
                r.value() == null ? null : EventJson.read(r.value(), NumberAssignment.class)));
    }

    /** The hot path: a poll's worth of messages is routed in one transaction (see IdempotentConsumer#processBatch). */
    @Incoming("inbound-messages")
    @Blocking
    public void inboundMessages(ConsumerRecords<String, String> records) {
        List<ConsumerRecord<String, String>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        idempotent.processBatch("routing.inbound-messages", batch,
                r -> routing.routeMessage(EventJson.read(r.value(), InboundMessage.class)), deadLetters);
    }

    @Incoming("inbound-calls")
    @Blocking
    public void inboundCall(ConsumerRecord<String, String> record) {
        idempotent.process("routing.inbound-calls", record, r -> routing.recordCall(EventJson.read(r.value(), InboundCall.class)));
    }

    @Incoming("outbound-results")
    @Blocking
    public void outboundResult(ConsumerRecord<String, String> record) {
        idempotent.process("routing.outbound-results", record,
                r -> routing.recordOutbound(EventJson.read(r.value(), OutboundResult.class)));
    }
}
