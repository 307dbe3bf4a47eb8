package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.model.Topic;
import ai.galaxyco.phone.model.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Creates every topic of the registry (and its dead-letter topic) with the right cleanup policy before the
 * channels start. Idempotent: existing topics are left as they are. Broker auto-creation would make the
 * assignments topic non-compacted, which silently loses the "current owner" semantics.
 */
@ApplicationScoped
public class TopicBootstrap {

    private final String bootstrapServers;
    private final int partitions;
    private final short replicationFactor;

    /**
     * {@code replicationFactor} is KAFKA_REPLICATION_FACTOR: 3 by default in the prod profile (the packaged
     * application), 1 in dev and tests; {@code ./stack} and the single-broker docker-compose set 1 explicitly.
     */
    public TopicBootstrap(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "galaxyco.kafka.partitions", defaultValue = "3") int partitions,
            @ConfigProperty(name = "galaxyco.kafka.replication-factor") short replicationFactor) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        createMissing(bootstrapServers, partitions, replicationFactor);
        if (io.quarkus.runtime.LaunchMode.current() == io.quarkus.runtime.LaunchMode.NORMAL) {
            requireReplication(bootstrapServers, replicationFactor);
        }
    }

    /**
     * Refuses to run against topics with fewer replicas than configured: acks=all protects nothing on a topic with
     * one replica, and a service that believed otherwise would answer 2xx for writes a broker loss can take away.
     */
    public static void requireReplication(String bootstrapServers, short replicationFactor) {
        List<String> weak = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            List<String> names = new ArrayList<>();
            for (Topic<?> topic : Topics.ALL) {
                names.add(topic.name());
                names.add(topic.deadLetter());
            }
            admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) -> {
                int replicas = description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
                if (replicas < replicationFactor) {
                    weak.add(name + " (" + replicas + ")");
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot check the replication of the topics at " + bootstrapServers, e);
        }
        if (!weak.isEmpty()) {
            throw new IllegalStateException("KAFKA_REPLICATION_FACTOR is " + replicationFactor + " but these topics have fewer "
                    + "replicas: " + String.join(", ", weak) + ". Reassign their partitions (kafka-reassign-partitions) or, "
                    + "for a single-broker development setup only, set KAFKA_REPLICATION_FACTOR=1.");
        }
    }

    /** With more than one replica, a write is acknowledged only once all but one replica have it (acks=all). */
    static Map<String, String> durability(short replicationFactor) {
        return replicationFactor > 1 ? Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(replicationFactor - 1))
                : Map.of();
    }

    /** Also used by the test broker and the local stack, so every environment has identical topics. */
    public static void createMissing(String bootstrapServers, int partitions, short replicationFactor) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?> topic : Topics.ALL) {
                if (!existing.contains(topic.name())) {
                    NewTopic t = new NewTopic(topic.name(), partitions, replicationFactor);
                    Map<String, String> configs = new java.util.HashMap<>(durability(replicationFactor));
                    if (topic.compacted()) {
                        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
                    }
                    t.configs(configs);
                    missing.add(t);
                }
                if (!existing.contains(topic.deadLetter())) {
                    missing.add(new NewTopic(topic.deadLetter(), 1, replicationFactor).configs(durability(replicationFactor)));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).values().forEach((name, future) -> {
                    try {
                        future.get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                            throw new IllegalStateException("cannot create topic " + name, e);
                        }
                    }
                });
                Log.infof("Created %d Kafka topics", missing.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " to create topics", e);
        }
    }
}
