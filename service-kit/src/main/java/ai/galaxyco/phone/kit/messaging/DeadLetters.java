package ai.galaxyco.phone.kit.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Sends one record of a batch to {@code <topic>.dlq} with its headers and the same dead-letter headers SmallRye's
 * own strategy writes, so a poison record does not take its whole batch down with it. Used by batch consumers,
 * for which the connector's failure strategy would apply to the batch as a whole.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String CHANNEL = "dead-letters";
    private final Emitter<Record<String, String>> emitter;
    private final MeterRegistry registry;

    public DeadLetters(@Channel(CHANNEL) Emitter<Record<String, String>> emitter, MeterRegistry registry) {
        this.emitter = emitter;
        this.registry = registry;
    }

    /** Blocks until the broker acknowledged the dead letter; throws if it could not be written. */
    public void send(ConsumerRecord<String, String> record, Throwable cause) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        headers.add("dead-letter-reason", bytes(String.valueOf(cause.getMessage())));
        headers.add("dead-letter-cause", bytes(cause.getClass().getName()));
        headers.add("dead-letter-exception-class-name", bytes(cause.getClass().getName()));
        headers.add("dead-letter-topic", bytes(record.topic()));
        headers.add("dead-letter-partition", bytes(String.valueOf(record.partition())));
        headers.add("dead-letter-offset", bytes(String.valueOf(record.offset())));
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withTopic(record.topic() + ".dlq").withKey(record.key())
                .withHeaders(headers).build();
        CompletableFuture<Void> ack = new CompletableFuture<>();
        emitter.send(Message.of(Record.of(record.key(), record.value()), Metadata.of(metadata))
                .withAck(() -> {
                    ack.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(t -> {
                    ack.completeExceptionally(t);
                    return CompletableFuture.completedFuture(null);
                }));
        try {
            ack.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the dead letter for " + record.topic() + "/" + record.offset(), e);
        }
        registry.counter("events.dead.lettered", "topic", record.topic()).increment();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
