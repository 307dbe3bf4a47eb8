package ai.galaxyco.phone.kit.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Every incoming channel consumes in a consumer group of its own ({@code <service>.<channel>}), so a channel joining
 * or leaving (start-up, a slow consumer, a second instance) rebalances only itself: with one group per service, each
 * channel that joined late made all the others give up their partitions again, and the first minute after a start
 * was spent rebalancing. A service that ran before under one shared group (the connector-level {@code group.id})
 * would start its new groups from the beginning of every topic; before any channel starts, each new group that has
 * committed nothing yet takes over the shared group's offsets for its topic, so nothing is read twice or skipped.
 */
@ApplicationScoped
public class ConsumerGroups {

    private static final Pattern CHANNEL_GROUP = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.group\\.id");

    /** Runs after {@link TopicBootstrap} (priority 1) and before the channels start. */
    void onStart(@Observes @Priority(2) StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        String bootstrap = config.getValue("kafka.bootstrap.servers", String.class);
        var shared = config.getOptionalValue("mp.messaging.connector.smallrye-kafka.group.id", String.class);
        if (shared.isEmpty()) {
            return;
        }
        try {
            carryOver(bootstrap, shared.get(), channelGroups(config));
        } catch (Exception e) {
            // never blocks start-up: a group without offsets starts as auto.offset.reset says, and consumers are idempotent
            Log.warnf("Could not carry consumer offsets over from group %s: %s", shared.get(), e.getMessage());
        }
    }

    /** Topic → group of every incoming channel with a group of its own. */
    static Map<String, String> channelGroups(Config config) {
        Map<String, String> groupByTopic = new LinkedHashMap<>();
        for (String name : config.getPropertyNames()) {
            Matcher m = CHANNEL_GROUP.matcher(name);
            if (m.matches()) {
                String channel = m.group(1);
                String topic = config.getOptionalValue("mp.messaging.incoming." + channel + ".topic", String.class).orElse(channel);
                groupByTopic.put(topic, config.getValue(name, String.class));
            }
        }
        return groupByTopic;
    }

    /**
     * For each topic → group: if the group has committed no offset at all, it gets {@code sharedGroup}'s committed
     * offsets on that topic. Returns how many groups took offsets over.
     */
    public static int carryOver(String bootstrapServers, String sharedGroup, Map<String, String> groupByTopic) throws Exception {
        int carried = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
            Map<TopicPartition, OffsetAndMetadata> legacy = admin.listConsumerGroupOffsets(sharedGroup)
                    .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            if (legacy.isEmpty()) {
                return 0; // a new deployment: nothing to carry over
            }
            for (Map.Entry<String, String> channel : groupByTopic.entrySet()) {
                String group = channel.getValue();
                if (group.equals(sharedGroup)) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> own = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetAndMetadata> offsets = legacy.entrySet().stream()
                        .filter(e -> e.getKey().topic().equals(channel.getKey()))
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
                if (!own.isEmpty() || offsets.isEmpty()) {
                    continue; // it has its own progress (or the shared group never read the topic)
                }
                admin.alterConsumerGroupOffsets(group, offsets).all().get(15, TimeUnit.SECONDS);
                carried++;
                Log.infof("Consumer group %s starts where %s left %s: %s", group, sharedGroup, channel.getKey(), offsets.values()
                        .stream().map(OffsetAndMetadata::offset).toList());
            }
        }
        return carried;
    }
}
