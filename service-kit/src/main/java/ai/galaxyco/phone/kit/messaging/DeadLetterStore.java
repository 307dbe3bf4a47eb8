package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.model.CloudEventHeaders;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The dead-letter topics of the channels this service consumes, for operators: what is in them (with cause and age),
 * and a way back. A dead letter counts as resolved once its event id is in this service's {@code processed_event},
 * i.e. a replay (or a redelivery) has since been processed; replaying sends the record to its source topic with its
 * key, value and event id, so consumers stay idempotent and a second replay changes nothing.
 */
@ApplicationScoped
public class DeadLetterStore {

    /** One dead-lettered record. */
    public record DeadLetter(String topic, int partition, long offset, String sourceTopic, String key, String eventId,
            String eventType, String reason, String cause, Instant deadLetteredAt, long ageSeconds, boolean resolved) {
    }

    /** A dead-letter topic: how many records, how many not yet resolved, and the most recent ones. */
    public record TopicSummary(String topic, String sourceTopic, int total, int pending, List<DeadLetter> records) {
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final String DEAD_LETTER_HEADER_PREFIX = "dead-letter-";

    private final String bootstrapServers;
    private final Set<String> deadLetterTopics;
    private final EntityManager em;
    private final Clock clock;
    private KafkaProducer<String, String> producer;

    public DeadLetterStore(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, Config config,
            EntityManager em, Clock clock) {
        this.bootstrapServers = bootstrapServers;
        this.em = em;
        this.clock = clock;
        // every consumed channel has <topic>.dlq: the connector's strategy and DeadLetters both write there
        Set<String> topics = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            // mp.messaging.incoming.<channel>.topic, not ...<channel>.dead-letter-queue.topic
            if (name.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic")) {
                config.getOptionalValue(name, String.class).ifPresent(t -> topics.add(t + ".dlq"));
            }
        }
        this.deadLetterTopics = topics;
    }

    /** The dead-letter topic for {@code topic}, given as a source topic or as its dead-letter topic. */
    public Optional<String> deadLetterTopic(String topic) {
        String dlq = topic.endsWith(".dlq") ? topic : topic + ".dlq";
        return deadLetterTopics.contains(dlq) ? Optional.of(dlq) : Optional.empty();
    }

    public Set<String> deadLetterTopics() {
        return deadLetterTopics;
    }

    /** Every dead-letter topic of this service (or just {@code only}), with at most {@code limit} recent records each. */
    public List<TopicSummary> list(Optional<String> only, int limit) {
        List<TopicSummary> summaries = new ArrayList<>();
        for (String topic : deadLetterTopics) {
            if (only.isPresent() && !only.get().equals(topic)) {
                continue;
            }
            List<DeadLetter> all = read(topic);
            int pending = (int) all.stream().filter(d -> !d.resolved()).count();
            List<DeadLetter> recent = all.stream().sorted(Comparator.comparing(DeadLetter::deadLetteredAt).reversed())
                    .limit(limit).toList();
            summaries.add(new TopicSummary(topic, sourceOf(topic), all.size(), pending, recent));
        }
        return summaries;
    }

    /**
     * Sends the unresolved dead letters of {@code topic} (or the one at {@code partition}/{@code offset}, resolved or
     * not) back to their source topic; returns how many were sent.
     */
    public int replay(String topic, Optional<Integer> partition, Optional<Long> offset) {
        List<ConsumerRecord<String, String>> records = readRecords(topic);
        Set<String> processed = processedIds(records);
        int replayed = 0;
        for (ConsumerRecord<String, String> record : records) {
            boolean chosen = partition.isPresent()
                    ? record.partition() == partition.get() && offset.isPresent() && record.offset() == offset.get()
                    : !processed.contains(eventId(record));
            if (!chosen) {
                continue;
            }
            ProducerRecord<String, String> back = new ProducerRecord<>(sourceOf(record), record.key(), record.value());
            for (Header header : record.headers()) {
                if (!header.key().startsWith(DEAD_LETTER_HEADER_PREFIX)) {
                    back.headers().add(header);
                }
            }
            if (back.headers().lastHeader(CloudEventHeaders.ID) == null) {
                // keep the id the consumer gave it the first time (its original position), so it stays idempotent
                back.headers().add(CloudEventHeaders.ID, eventId(record).getBytes(StandardCharsets.UTF_8));
            }
            try {
                producer().send(back).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not replay " + topic + "/" + record.partition() + "/" + record.offset()
                        + " to " + back.topic() + ": " + e.getMessage(), e);
            }
            replayed++;
        }
        return replayed;
    }

    private List<DeadLetter> read(String topic) {
        List<ConsumerRecord<String, String>> records = readRecords(topic);
        Set<String> processed = processedIds(records);
        Instant now = clock.instant();
        List<DeadLetter> letters = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            Instant at = Instant.ofEpochMilli(r.timestamp());
            // SmallRye's strategy and DeadLetters both name the exception's class here
            String cause = header(r, "dead-letter-exception-class-name");
            letters.add(new DeadLetter(topic, r.partition(), r.offset(), sourceOf(r), r.key(), eventId(r),
                    header(r, CloudEventHeaders.TYPE), header(r, "dead-letter-reason"), cause, at, Math.max(0, Duration.between(at, now).toSeconds()), processed.contains(eventId(r))));
        }
        return letters;
    }

    /** The whole dead-letter topic, read from the beginning without a consumer group. */
    private List<ConsumerRecord<String, String>> readRecords(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READ_TIMEOUT.toMillis());
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READ_TIMEOUT.toMillis());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, READ_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return records;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, READ_TIMEOUT));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, READ_TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private Set<String> processedIds(List<ConsumerRecord<String, String>> records) {
        if (records.isEmpty()) {
            return Set.of();
        }
        List<String> ids = records.stream().map(DeadLetterStore::eventId).distinct().toList();
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<String> found = em.createNativeQuery("select distinct event_id from processed_event where event_id in (:ids)")
                    .setParameter("ids", ids).getResultList();
            return Set.copyOf(found);
        });
    }

    /** The id the consumer used: ce_id, or else the record's position in the source topic (as the consumer saw it). */
    private static String eventId(ConsumerRecord<String, String> dead) {
        String id = header(dead, CloudEventHeaders.ID);
        if (id != null) {
            return id;
        }
        String partition = header(dead, "dead-letter-partition");
        String offset = header(dead, "dead-letter-offset");
        return partition != null && offset != null ? sourceOf(dead) + "/" + partition + "/" + offset
                : dead.topic() + "/" + dead.partition() + "/" + dead.offset();
    }

    private static String sourceOf(ConsumerRecord<String, String> dead) {
        String source = header(dead, "dead-letter-topic");
        return source != null ? source : sourceOf(dead.topic());
    }

    private static String sourceOf(String deadLetterTopic) {
        return deadLetterTopic.endsWith(".dlq") ? deadLetterTopic.substring(0, deadLetterTopic.length() - 4) : deadLetterTopic;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return CloudEventRecords.header(record, name);
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
