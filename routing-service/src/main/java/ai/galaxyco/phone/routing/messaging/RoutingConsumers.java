package ai.galaxyco.phone.routing.messaging;

import ai.galaxyco.phone.kit.messaging.DeadLetters;
import ai.galaxyco.phone.kit.messaging.IdempotentConsumer;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.routing.domain.BatchRouting;
import ai.galaxyco.phone.routing.domain.CallLog;
import ai.galaxyco.phone.routing.domain.ForwardedMinutes;
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
    private final ForwardedMinutes forwardedMinutes;
    private final CallLog callLog;

    public RoutingConsumers(IdempotentConsumer idempotent, RoutingService routing, BatchRouting batchRouting, DeadLetters deadLetters,
            ForwardedMinutes forwardedMinutes, CallLog callLog) {
        this.callLog = callLog;
        this.forwardedMinutes = forwardedMinutes;
        this.idempotent = idempotent;
        this.routing = routing;
        this.batchRouting = batchRouting;
        this.deadLetters = deadLetters;
    }

    @Incoming("number-assignments")
    @Blocking
    public void assignment(ConsumerRecords<String, String> records) {
        idempotent.processBatch("routing.assignments", records, r -> routing.applyAssignment(r.key(),
                r.value() == null ? null : Topics.NUMBER_ASSIGNMENTS.read(r.value())), deadLetters);
    }

    /**
     * The hot path: a poll's worth of messages is routed in one transaction with a few set-based statements (see
     * BatchRouting); if the poll fails, each record is routed alone and a poison record is dead-lettered.
     */
    @Incoming("inbound-messages")
    @Blocking
    public void inboundMessages(ConsumerRecords<String, String> records) {
        idempotent.processBatchAtOnce("routing.inbound-messages", records, fresh -> batchRouting.routeMessages(
                fresh.stream().map(r -> Topics.INBOUND_MESSAGES.read(r.value())).toList()), deadLetters);
    }

    @Incoming("inbound-calls")
    @Blocking
    public void inboundCall(ConsumerRecords<String, String> records) {
        idempotent.processBatch("routing.inbound-calls", records, r -> routing.recordCall(Topics.INBOUND_CALLS.read(r.value())), deadLetters);
    }

    /**
     * Call statuses: each moves its call in the call log, and a final one's duration counts against the workspace's
     * daily forwarding budget when the call was forwarded.
     */
    @Incoming("call-status")
    @Blocking
    public void callStatus(ConsumerRecords<String, String> records) {
        idempotent.processBatch("routing.call-status", records, r -> {
            var status = Topics.CALL_STATUS.read(r.value());
            callLog.recordStatus(status);
            forwardedMinutes.recordStatus(status);
        }, deadLetters);
    }

    @Incoming("outbound-results")
    @Blocking
    public void outboundResult(ConsumerRecords<String, String> records) {
        idempotent.processBatch("routing.outbound-results", records,
                r -> routing.recordOutbound(Topics.OUTBOUND_RESULTS.read(r.value())), deadLetters);
    }
}
