package ai.galaxyco.phone.testsupport;

import ai.galaxyco.phone.model.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads a topic of the real test broker from its beginning, and writes raw records to it, so a test can
 * assert what a service published and feed it what another service would.
 */
public final class TopicProbe implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    private TopicProbe(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
    }

    public static TopicProbe of(Topic<?> topic) {
        return of(topic.name());
    }

    /** A probe on another broker than the service's (e.g. a {@link KafkaBrokerProcess}). */
    public static TopicProbe on(String bootstrapServers, Topic<?> topic) {
        return new TopicProbe(bootstrapServers, topic.name());
    }

    public static TopicProbe of(String topic) {
        return new TopicProbe(bootstrapServers(), topic);
    }

    public static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** Every record read so far, after polling once more. */
    public synchronized List<ConsumerRecord<String, String>> records() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return List.copyOf(seen);
    }

    /**
     * Every record up to the topic's end as it is now: polls until the probe has joined and read that far (one poll
     * returns at most 500 records, and a probe that has not polled for a while must first rejoin its group). For a
     * test that judges "nothing more" by another topic's progress.
     */
    public synchronized List<ConsumerRecord<String, String>> recordsToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<org.apache.kafka.common.TopicPartition, Long> end = null;
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            var assigned = consumer.assignment();
            if (assigned.isEmpty()) {
                continue;
            }
            if (end == null) {
                end = consumer.endOffsets(assigned);
            }
            if (end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                return List.copyOf(seen);
            }
        }
        throw new AssertionError("the probe did not read " + consumer.subscription() + " to its end within " + timeout);
    }

    public List<ConsumerRecord<String, String>> records(Predicate<ConsumerRecord<String, String>> filter) {
        return records().stream().filter(filter).toList();
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Writes an event as a CloudEvent (binary mode) with the given id, as the producing service would. */
    public static void publish(Topic<?> topic, String key, Object event, String eventId) {
        send(topic.name(), key, event == null ? null : ai.galaxyco.phone.model.EventJson.write(event),
                ai.galaxyco.phone.model.CloudEventHeaders.binary(eventId, topic.eventType(), "/test", java.time.Instant.now()));
    }

    /** Writes many events through one producer (each with a fresh event id), for tests that generate a month's worth. */
    public static void publishAll(Topic<?> topic, List<Map.Entry<String, Object>> keyedEvents) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (Map.Entry<String, Object> keyed : keyedEvents) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic.name(), keyed.getKey(),
                        ai.galaxyco.phone.model.EventJson.write(keyed.getValue()));
                ai.galaxyco.phone.model.CloudEventHeaders.binary(java.util.UUID.randomUUID().toString(), topic.eventType(), "/test",
                        java.time.Instant.now()).forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                sent.add(producer.send(record));
            }
            for (java.util.concurrent.Future<?> future : sent) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic.name(), e);
        }
    }

    /** Writes one record with the given headers, as another service's producer would. */
    public static void send(String topic, String key, String value, Map<String, String> headers) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic, e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
