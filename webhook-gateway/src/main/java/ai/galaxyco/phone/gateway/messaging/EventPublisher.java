package ai.galaxyco.phone.gateway.messaging;

import ai.galaxyco.phone.gateway.config.GatewayConfig;
import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topic;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes a verified webhook as a CloudEvent and completes only when the broker acknowledged it
 * (acks=all), so that the webhook is answered 2xx only once it cannot be lost. The gateway keeps no
 * database: Kafka is its durable store.
 */
@ApplicationScoped
public class EventPublisher {

    public static final String CHANNEL = "events-out";
    static final String SOURCE = "/galaxyco-phone/webhook-gateway";

    private final Emitter<Record<String, String>> emitter;
    private final GatewayConfig config;
    private final Clock clock;

    public EventPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192) Emitter<Record<String, String>> emitter, GatewayConfig config, Clock clock) {
        this.emitter = emitter;
        this.config = config;
        this.clock = clock;
    }

    /**
     * @param eventId derived from the provider's own delivery id, so a redelivered webhook keeps its id and
     *     downstream consumers recognise it
     */
    public CompletionStage<Void> publish(Topic topic, String key, String eventId, Object event) {
        if (!topic.payloadType().isInstance(event)) {
            throw new IllegalArgumentException(topic.name() + " does not carry " + event.getClass().getSimpleName());
        }
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.binary(eventId, topic.eventType(), SOURCE, clock.instant())
                .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic.name()).withKey(key)
                .withHeaders(headers).build();
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        Message<Record<String, String>> message = Message.of(Record.of(key, EventJson.write(event)), Metadata.of(metadata))
                .withAck(() -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) { // emitter overflow or closed channel: the caller answers 503
            acknowledged.completeExceptionally(e);
        }
        return acknowledged.orTimeout(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
