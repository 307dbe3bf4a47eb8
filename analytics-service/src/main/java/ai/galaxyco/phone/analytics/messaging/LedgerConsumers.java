package ai.galaxyco.phone.analytics.messaging;

import ai.galaxyco.phone.analytics.domain.Ledger;
import ai.galaxyco.phone.kit.messaging.CloudEventRecords;
import ai.galaxyco.phone.kit.messaging.DeadLetters;
import ai.galaxyco.phone.kit.messaging.IdempotentConsumer;
import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.Topics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The ledger's sources. Message topics (the busy ones) are read a poll at a time: one transaction, one JDBC batch for
 * the event ids and one for the facts. Each record is deduplicated on its event id, and the ledger's own keys make a
 * fact once whatever the event id.
 */
@ApplicationScoped
public class LedgerConsumers {

    private final IdempotentConsumer idempotent;
    private final Ledger ledger;
    private final DeadLetters deadLetters;

    public LedgerConsumers(IdempotentConsumer idempotent, Ledger ledger, DeadLetters deadLetters) {
        this.idempotent = idempotent;
        this.ledger = ledger;
        this.deadLetters = deadLetters;
    }

    @Incoming("outbound-results")
    @Blocking
    public void outboundResults(ConsumerRecords<String, String> records) {
        idempotent.processBatchAtOnce("analytics.outbound-results", records,
                fresh -> ledger.recordOutbound(fresh.stream().map(r -> Topics.OUTBOUND_RESULTS.read(r.value())).toList()),
                deadLetters);
    }

    @Incoming("routed-messages")
    @Blocking
    public void routedMessages(ConsumerRecords<String, String> records) {
        idempotent.processBatchAtOnce("analytics.routed-messages", records,
                fresh -> ledger.recordInbound(fresh.stream().map(r -> Topics.ROUTED_MESSAGES.read(r.value())).toList()),
                deadLetters);
    }

    @Incoming("inbound-calls")
    @Blocking
    public void inboundCall(ConsumerRecords<String, String> records) {
        idempotent.processBatch("analytics.inbound-calls", records, r -> ledger.recordCall(Topics.INBOUND_CALLS.read(r.value())), deadLetters);
    }

    @Incoming("call-status")
    @Blocking
    public void callStatus(ConsumerRecords<String, String> records) {
        idempotent.processBatch("analytics.call-status", records,
                r -> ledger.recordCallStatus(Topics.CALL_STATUS.read(r.value())), deadLetters);
    }

    @Incoming("provisioning-results")
    @Blocking
    public void provisioningResult(ConsumerRecords<String, String> records) {
        idempotent.processBatch("analytics.provisioning-results", records,
                r -> ledger.recordProvisioning(Topics.PROVISIONING_RESULTS.read(r.value())), deadLetters);
    }

    /** Every dedicated number a workspace holds (Main and extra labelled ones), for the number-days it is billed. */
    @Incoming("number-assignments")
    @Blocking
    public void numberAssignment(ConsumerRecords<String, String> records) {
        idempotent.processBatch("analytics.number-assignments", records, r -> ledger.recordAssignment(r.key(),
                r.value() == null ? null : Topics.NUMBER_ASSIGNMENTS.read(r.value()), timeOf(r)), deadLetters);
    }

    /** When the producer says the event happened (its ce_time; a tombstone has no body to say it), else when it was written. */
    static Instant timeOf(ConsumerRecord<String, String> record) {
        String time = CloudEventRecords.header(record, CloudEventHeaders.TIME);
        try {
            return time != null ? Instant.parse(time) : Instant.ofEpochMilli(record.timestamp());
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.ofEpochMilli(record.timestamp());
        }
    }

}
