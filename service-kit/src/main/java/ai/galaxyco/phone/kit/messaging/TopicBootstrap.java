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

    public TopicBootstrap(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "galaxyco.kafka.partitions", defaultValue = "3") int partitions,
            @ConfigProperty(name = "galaxyco.kafka.replication-factor", defaultValue = "1") short replicationFactor) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        createMissing(bootstrapServers, partitions, replicationFactor);
    }

    /** Also used by the test broker and the local stack, so every environment has identical topics. */
    public static void createMissing(String bootstrapServers, int partitions, short replicationFactor) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic topic : Topics.ALL) {
                if (!existing.contains(topic.name())) {
                    NewTopic t = new NewTopic(topic.name(), partitions, replicationFactor);
                    if (topic.compacted()) {
                        t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                    }
                    missing.add(t);
                }
                if (!existing.contains(topic.deadLetter())) {
                    missing.add(new NewTopic(topic.deadLetter(), 1, replicationFactor));
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
