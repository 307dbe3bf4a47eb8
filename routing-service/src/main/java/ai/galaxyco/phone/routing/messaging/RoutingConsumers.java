package ai.galaxyco.phone.routing.messaging;

import ai.galaxyco.phone.kit.messaging.DeadLetters;
import ai.galaxyco.phone.kit.messaging.IdempotentConsumer;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.routing.domain.BatchRouting;
import ai.galaxyco.phone.routing.domain.RoutingService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** The topics routing consumes, each a poll at a time in one transaction; each record is handled once (deduplicated on ce_id). */
@ApplicationScoped
public class RoutingConsumers {

    private final IdempotentConsumer idempotent;
    private final RoutingService routing;
    private final BatchRouting batchRouting;
    private final DeadLetters deadLetters;

    public RoutingConsumers(IdempotentConsumer idempotent, RoutingService routing, BatchRouting batchRouting, DeadLetters deadLetters) {
        this.idempotent = idempotent;
        this.routing = routing;
        this.batchRouting = batchRouting;
        this.deadLetters = deadLetters;
    }

    @Incoming("number-assignments")
    @Blocking
    public void assignment(ConsumerRecords<String, String> records) {
        idempotent.processBatch("routing.assignments", records, r -> routing.applyAssignment(r.key(),
                r.value() == null ? null : EventJson.read(r.value(), NumberAssignment.class)), deadLetters);
    }

    /**
     * The hot path: a poll's worth of messages is routed in one transaction with a few set-based statements (see
     * BatchRouting); if the poll fails, each record is routed alone and a poison record is dead-lettered.
     */
    @Incoming("inbound-messages")
    @Blocking
    public void inboundMessages(ConsumerRecords<String, String> records) {
        idempotent.processBatchAtOnce("routing.inbound-messages", records, fresh -> batchRouting.routeMessages(
                fresh.stream().map(r -> EventJson.read(r.value(), InboundMessage.class)).toList()), deadLetters);
    }

    @Incoming("inbound-calls")
    @Blocking
    public void inboundCall(ConsumerRecords<String, String> records) {
        idempotent.processBatch("routing.inbound-calls", records, r -> routing.recordCall(EventJson.read(r.value(), InboundCall.class)), deadLetters);
    }

    @Incoming("outbound-results")
    @Blocking
    public void outboundResult(ConsumerRecords<String, String> records) {
        idempotent.processBatch("routing.outbound-results", records,
                r -> routing.recordOutbound(EventJson.read(r.value(), OutboundResult.class)), deadLetters);
    }
}
