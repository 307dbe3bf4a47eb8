package ai.galaxyco.phone.provisioning.messaging;

import ai.galaxyco.phone.model.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tells whether this service has applied every workspace-lifecycle event that existed when it started, judged by
 * its consumer group's committed offsets against the end offsets taken at the first check. Reconciliation waits
 * for this: judged against a half-read lifecycle, a paying workspace's number would look unwanted.
 */
@ApplicationScoped
public class LifecycleCatchUp {

    private final String bootstrapServers;
    private final String groupId;
    private Admin admin;
    private Map<TopicPartition, Long> target;
    private volatile boolean caughtUp;

    public LifecycleCatchUp(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "mp.messaging.incoming.workspace-lifecycle.group.id") String groupId) {
        this.bootstrapServers = bootstrapServers;
        this.groupId = groupId;
    }

    /** True once every partition's committed offset reached its end offset of the first check; false on any doubt. */
    public synchronized boolean caughtUp() {
        if (caughtUp) {
            return true;
        }
        try {
            if (admin == null) {
                admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
            }
            if (target == null) {
                var partitions = admin.describeTopics(java.util.List.of(Topics.WORKSPACE_LIFECYCLE.name())).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get(Topics.WORKSPACE_LIFECYCLE.name()).partitions().stream()
                        .map(p -> new TopicPartition(Topics.WORKSPACE_LIFECYCLE.name(), p.partition()))
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
                target = admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long behind = target.entrySet().stream().mapToLong(e -> {
                OffsetAndMetadata done = committed.get(e.getKey());
                return Math.max(0, e.getValue() - (done == null ? 0 : done.offset()));
            }).sum();
            if (behind > 0) {
                Log.infof("Reconciliation waits: %d workspace-lifecycle events from before start-up not yet applied", behind);
                return false;
            }
            caughtUp = true;
            close();
            return true;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            Log.warnf("Reconciliation waits: cannot tell whether workspace-lifecycle is caught up: %s (%s)", e.getMessage(),
                    root);
            return false;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        close();
    }

    private synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
