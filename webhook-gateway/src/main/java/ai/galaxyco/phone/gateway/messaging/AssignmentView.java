package ai.galaxyco.phone.gateway.messaging;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.values.PhoneNumber;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's in-memory copy of the compacted number-assignments topic, so a call is answered from memory
 * well inside SignalWire's 5 s timeout. Every instance reads the whole topic from the beginning (no consumer
 * group) and reports ready only after it caught up with the end offsets seen at start-up.
 */
@ApplicationScoped
public class AssignmentView {

    private final Map<String, NumberAssignment> byKey = new ConcurrentHashMap<>();
    private final String bootstrapServers;
    private final MeterRegistry registry;
    private volatile boolean caughtUp;
    private volatile boolean running;
    private Thread worker;
    private KafkaConsumer<String, String> consumer;

    public AssignmentView(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, MeterRegistry registry) {
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        registry.gaugeMapSize("gateway.assignments", List.of(), byKey);
    }

    void start(@Observes StartupEvent event) {
        running = true;
        worker = new Thread(this::run, "assignment-view");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
    }

    public boolean isCaughtUp() {
        return caughtUp;
    }

    /** The workspace that owns {@code number} as a dedicated number. */
    public Optional<NumberAssignment> dedicatedOwner(PhoneNumber number) {
        NumberAssignment assignment = byKey.get(number.e164());
        return assignment == null || assignment.shared() ? Optional.empty() : Optional.of(assignment);
    }

    /** True if {@code number} is the shared number of at least one workspace. */
    public boolean isSharedNumber(PhoneNumber number) {
        return byKey.values().stream().anyMatch(a -> a.shared() && a.phoneNumber().equals(number));
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer = c;
                List<TopicPartition> partitions = c.partitionsFor(Topics.NUMBER_ASSIGNMENTS.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    // the topic does not exist yet (provisioning creates it): an empty view would wrongly be "complete"
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
                        Log.infof("Number assignments loaded: %d keys", byKey.size());
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                Log.warnf("Assignment view lost Kafka, reconnecting: %s", e.getMessage());
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
            byKey.put(record.key(), Topics.NUMBER_ASSIGNMENTS.read(record.value()));
        } catch (EventJson.MalformedEventException e) {
            registry.counter("gateway.assignments.malformed").increment(); // a view: skip it, the producer's DLQ has the story
            Log.warnf("Skipping malformed assignment %s: %s", record.key(), e.getMessage());
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
