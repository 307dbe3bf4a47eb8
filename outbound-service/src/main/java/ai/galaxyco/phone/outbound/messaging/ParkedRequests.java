package ai.galaxyco.phone.outbound.messaging;

import ai.galaxyco.phone.kit.domain.Backoff;
import ai.galaxyco.phone.kit.messaging.CloudEventRecords;
import ai.galaxyco.phone.kit.messaging.DeadLetters;
import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.OutboundRequest;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import ai.galaxyco.phone.outbound.domain.MessageService;
import ai.galaxyco.phone.outbound.domain.MessageService.SendCommand;
import ai.galaxyco.phone.outbound.domain.SendRefused;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Send requests from the outbound-requests topic that were refused for a reason that passes
 * ({@code SendRefused.Reason.passes}): no sender number yet (a workspace whose number is still being bought right
 * after sign-up), or none with the label yet. They wait here, out of the consumer's way, and are tried again with
 * backoff until {@code outbound.sender-wait} (OUTBOUND_SENDER_WAIT) is over; then they are dead-lettered with the
 * reason, like a permanent refusal is at once.
 */
@ApplicationScoped
public class ParkedRequests {

    private static final Backoff RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));

    private final MessageService messages;
    private final DeadLetters deadLetters;
    private final OutboundConfig config;
    private final EntityManager em;
    private final Clock clock;
    private final MeterRegistry registry;

    public ParkedRequests(MessageService messages, DeadLetters deadLetters, OutboundConfig config, EntityManager em, Clock clock,
            MeterRegistry registry) {
        this.messages = messages;
        this.deadLetters = deadLetters;
        this.config = config;
        this.em = em;
        this.clock = clock;
        this.registry = registry;
    }

    /** Parks a request (once: a redelivered one finds its row). */
    public void park(ConsumerRecord<String, String> record, OutboundRequest request, SendRefused refusal) {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("insert into parked_request (request_id, record_key, "
                + "payload, event_id, parked_at, next_attempt_at, attempts, last_error) values (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7) "
                + "on conflict (request_id) do nothing")
                .setParameter(1, request.requestId()).setParameter(2, record.key()).setParameter(3, record.value())
                .setParameter(4, CloudEventRecords.eventId(record)).setParameter(5, Timestamp.from(now))
                .setParameter(6, Timestamp.from(now.plus(RETRY.delay(1)))).setParameter(7, refusal.code() + ": " + refusal.getMessage())
                .executeUpdate());
        registry.counter("outbound.requests.parked", "error", refusal.code()).increment();
        Log.infof("Request %s waits (%s): %s", request.requestId(), refusal.code(), refusal.getMessage());
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryDue() {
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<Object[]> due = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("select request_id, record_key, "
                + "payload, event_id, parked_at, attempts from parked_request where next_attempt_at <= ?1 order by next_attempt_at "
                + "limit 100").setParameter(1, Timestamp.from(now)).getResultList());
        for (Object[] row : due) {
            retry((String) row[0], (String) row[1], (String) row[2], (String) row[3], toInstant(row[4]), ((Number) row[5]).intValue());
        }
    }

    private void retry(String requestId, String key, String payload, String eventId, Instant parkedAt, int attempts) {
        OutboundRequest request = Topics.OUTBOUND_REQUESTS.read(payload);
        Optional<SendRefused> refusal;
        try {
            messages.accept(new SendCommand(request.workspaceId().value(), request.to(), request.body(), request.mediaUrls(),
                    request.from(), request.label(), "request:" + request.requestId()));
            refusal = Optional.empty();
        } catch (SendRefused e) {
            refusal = Optional.of(e);
        } catch (RuntimeException e) {
            Log.warnf("Parked request %s not retried this time: %s", requestId, e.getMessage());
            return; // the database, most likely: the row stays due
        }
        Instant now = clock.instant();
        if (refusal.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from parked_request where request_id = ?1")
                    .setParameter(1, requestId).executeUpdate());
            registry.counter("outbound.requests.unparked", "outcome", "accepted").increment();
            return;
        }
        SendRefused e = refusal.get();
        if (e.reason().passes() && now.isBefore(parkedAt.plus(config.senderWait()))) {
            Instant next = now.plus(RETRY.delay(attempts + 1));
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update parked_request set attempts = attempts + 1, "
                    + "next_attempt_at = ?2, last_error = ?3 where request_id = ?1").setParameter(1, requestId)
                    .setParameter(2, Timestamp.from(next)).setParameter(3, e.code() + ": " + e.getMessage()).executeUpdate());
            return;
        }
        // waited long enough, or refused for good meanwhile: to the dead-letter topic with the reason, and out of here
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, eventId.getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, String> original = new ConsumerRecord<>(Topics.OUTBOUND_REQUESTS.name(), 0, -1L, -1L,
                TimestampType.NO_TIMESTAMP_TYPE, -1, -1, key, payload, headers, Optional.empty());
        deadLetters.send(original, new EventJson.MalformedEventException("request " + requestId + " refused (" + e.code()
                + ") after waiting " + Duration.between(parkedAt, now).toSeconds() + " s: " + e.getMessage()));
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from parked_request where request_id = ?1")
                .setParameter(1, requestId).executeUpdate());
        registry.counter("outbound.requests.unparked", "outcome", "dead_lettered").increment();
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        return (Instant) value;
    }
}
