package ai.galaxyco.phone.outbound.messaging;

import ai.galaxyco.phone.kit.messaging.DeadLetters;
import ai.galaxyco.phone.kit.messaging.IdempotentConsumer;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.ConsentChanged;
import ai.galaxyco.phone.model.events.OutboundRequest;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import ai.galaxyco.phone.outbound.domain.MessageService;
import ai.galaxyco.phone.outbound.domain.MessageService.SendCommand;
import ai.galaxyco.phone.outbound.domain.SendRefused;
import ai.galaxyco.phone.outbound.domain.SenderDirectory;
import ai.galaxyco.phone.outbound.domain.StatusService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** The topics outbound consumes; each record is handled once (deduplicated on ce_id), most topics a poll at a time. */
@ApplicationScoped
public class OutboundConsumers {

    private final IdempotentConsumer idempotent;
    private final SenderDirectory senders;
    private final StatusService statuses;
    private final MessageService messages;
    private final OutboundConfig config;
    private final MeterRegistry registry;
    private final ParkedRequests parked;
    private final DeadLetters deadLetters;

    public OutboundConsumers(IdempotentConsumer idempotent, SenderDirectory senders, StatusService statuses,
            MessageService messages, OutboundConfig config, MeterRegistry registry, ParkedRequests parked, DeadLetters deadLetters) {
        this.parked = parked;
        this.deadLetters = deadLetters;
        this.idempotent = idempotent;
        this.senders = senders;
        this.statuses = statuses;
        this.messages = messages;
        this.config = config;
        this.registry = registry;
    }

    @Incoming("number-assignments")
    @Blocking
    public void assignment(ConsumerRecords<String, String> records) {
        idempotent.processBatch("outbound.assignments", records, r -> senders.applyAssignment(r.key(),
                r.value() == null ? null : Topics.NUMBER_ASSIGNMENTS.read(r.value())), deadLetters);
    }

    @Incoming("provisioning-results")
    @Blocking
    public void provisioning(ConsumerRecords<String, String> records) {
        idempotent.processBatch("outbound.provisioning", records,
                r -> senders.applyProvisioning(Topics.PROVISIONING_RESULTS.read(r.value())), deadLetters);
    }

    @Incoming("message-status")
    @Blocking
    public void status(ConsumerRecords<String, String> records) {
        idempotent.processBatch("outbound.status", records, r -> statuses.report(Topics.MESSAGE_STATUS.read(r.value())), deadLetters);
    }

    /**
     * Who wrote to which of a workspace's numbers: the sticky sender of a reply. Every inbound message passes here: a poll
     * is one transaction and one JDBC batch (a poison record is dead-lettered alone).
     */
    @Incoming("routed-messages")
    @Blocking
    public void routed(ConsumerRecords<String, String> records) {
        idempotent.processBatchAtOnce("outbound.routed", records, fresh -> senders.applyInbound(
                fresh.stream().map(r -> Topics.ROUTED_MESSAGES.read(r.value())).toList()), deadLetters);
    }

    @Incoming("consent-changes")
    @Blocking
    public void consent(ConsumerRecord<String, String> record) {
        ConsentChanged change = Topics.CONSENT_CHANGES.read(record.value());
        idempotent.process("outbound.consent", record, r -> senders.applyConsent(change));
        if (change.kind() == ConsentChanged.Kind.HELP) {
            answerHelp(change);
        }
    }

    /**
     * A send command from another service. Accepted (idempotent by request id: a redelivered request finds its
     * message); refused for a reason that passes (no sender number yet) it waits in {@link ParkedRequests}; refused
     * for good (opted out, foreign sender, invalid number) it goes to the dead-letter topic with the reason. While the
     * database is unreachable the consumer waits, as every consumer does, rather than dead-letter a good request.
     */
    @Incoming("outbound-requests")
    @Blocking
    public void request(ConsumerRecord<String, String> record) {
        OutboundRequest request = Topics.OUTBOUND_REQUESTS.read(record.value());
        int outageRetries = 0;
        while (true) {
            try {
                messages.accept(new SendCommand(request.workspaceId().value(), request.to(), request.body(), request.mediaUrls(),
                        request.from(), request.label(), "request:" + request.requestId()));
                return;
            } catch (SendRefused e) {
                registry.counter("outbound.requests.refused", "error", e.code()).increment();
                if (e.reason().passes()) {
                    parked.park(record, request, e);
                    return;
                }
                throw new EventJson.MalformedEventException("request " + request.requestId() + " refused (" + e.code() + "): "
                        + e.getMessage());
            } catch (RuntimeException e) {
                if (!IdempotentConsumer.isDatabaseOutage(e)) {
                    throw e;
                }
                Log.warnf("outbound-requests waiting for the database (request %s): %s", request.requestId(), e.getMessage());
                sleep(IdempotentConsumer.RETRY.delay(++outageRetries));
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
    }

    /** HELP is answered from the number it reached; the idempotency key makes a redelivered HELP answer once. */
    private void answerHelp(ConsentChanged change) {
        if (change.workspaceId() == null) {
            Log.infof("HELP to %s from %s reached no workspace; not answered", change.ourNumber(), change.contact());
            registry.counter("outbound.help", "outcome", "unrouted").increment();
            return;
        }
        try {
            messages.accept(new SendCommand(change.workspaceId().value(), change.contact().e164(), config.helpText(), List.of(),
                    change.ourNumber().e164(), null, "help:" + change.messageSid()));
            registry.counter("outbound.help", "outcome", "answered").increment();
        } catch (SendRefused e) {
            registry.counter("outbound.help", "outcome", "refused").increment();
            Log.warnf("HELP from %s not answered: %s", change.contact(), e.getMessage());
        }
    }
}
