package ai.galaxyco.phone.analytics.messaging;

import ai.galaxyco.phone.analytics.domain.Ledger;
import ai.galaxyco.phone.kit.messaging.DeadLetters;
import ai.galaxyco.phone.kit.messaging.IdempotentConsumer;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The ledger's sources. Message topics are read a poll at a time in one transaction (the busy ones); each record is
 * deduplicated on its event id, and the ledger's own keys make a fact once whatever the event id.
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
        idempotent.processBatch("analytics.outbound-results", list(records),
                r -> ledger.recordOutbound(EventJson.read(r.value(), OutboundResult.class)), deadLetters);
    }

    @Incoming("routed-messages")
    @Blocking
    public void routedMessages(ConsumerRecords<String, String> records) {
        idempotent.processBatch("analytics.routed-messages", list(records),
                r -> ledger.recordInbound(EventJson.read(r.value(), RoutedMessage.class)), deadLetters);
    }

    @Incoming("inbound-calls")
    @Blocking
    public void inboundCall(ConsumerRecord<String, String> record) {
        idempotent.process("analytics.inbound-calls", record, r -> ledger.recordCall(EventJson.read(r.value(), InboundCall.class)));
    }

    @Incoming("call-status")
    @Blocking
    public void callStatus(ConsumerRecord<String, String> record) {
        idempotent.process("analytics.call-status", record,
                r -> ledger.recordCallStatus(EventJson.read(r.value(), CallStatusChanged.class)));
    }

    @Incoming("provisioning-results")
    @Blocking
    public void provisioningResult(ConsumerRecord<String, String> record) {
        idempotent.process("analytics.provisioning-results", record,
                r -> ledger.recordProvisioning(EventJson.read(r.value(), ProvisioningResult.class)));
    }

    private static List<ConsumerRecord<String, String>> list(ConsumerRecords<String, String> records) {
        List<ConsumerRecord<String, String>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        return batch;
    }
}
