package ai.galaxyco.phone.gateway.messaging;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * An in-memory copy of a compacted topic (the latest value per key; a tombstone removes the key), so the gateway
 * answers calls from memory well inside SignalWire's 5 s timeout and without a database. Every instance reads the
 * whole topic from the beginning (no consumer group) on its own thread, and is caught up once it reached the end
 * offsets seen at start-up.
 */
final class CompactedTopicView<E> {

    private final Topic<E> topic;
    private final String bootstrapServers;
    private final MeterRegistry registry;
    private final Map<String, E> byKey = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;

    CompactedTopicView(Topic<E> topic, String bootstrapServers, MeterRegistry registry, String gaugeName) {
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        registry.gaugeMapSize(gaugeName, List.of(), byKey);
    }

    void start() {
        running = true;
        Thread worker = new Thread(this::run, topic.name() + "-view");
        worker.setDaemon(true);
        worker.start();
    }

    void stop() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    boolean isCaughtUp() {
        return caughtUp;
    }

    Optional<E> get(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    boolean anyMatch(Predicate<E> test) {
        return byKey.values().stream().anyMatch(test);
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer = c;
                List<TopicPartition> partitions = c.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    // the topic does not exist yet (the services create it): an empty view would wrongly be "complete"
                    sleepQuietly();
                    continue;
                }
                c.assign(partitions);
                c.seekToBeginning(partitions);
                Map<TopicPartition, Long> startEnd = c.endOffsets(partitions);
                while (running) {
                    for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(500))) {
                        apply(record);
                    }
                    if (!caughtUp && partitions.stream().allMatch(p -> c.position(p) >= startEnd.get(p))) {
                        caughtUp = true;
                        Log.infof("%s loaded: %d keys", topic.name(), byKey.size());
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                Log.warnf("The %s view lost Kafka, reconnecting: %s", topic.name(), e.getMessage());
                sleepQuietly();
            }
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            byKey.remove(record.key());
            return;
        }
        try {
            byKey.put(record.key(), topic.read(record.value()));
        } catch (EventJson.MalformedEventException e) {
            // a view: skip it, the producer's dead-letter topic has the story
            registry.counter("gateway.view.malformed", "topic", topic.name()).increment();
            Log.warnf("Skipping malformed %s record %s: %s", topic.name(), record.key(), e.getMessage());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
