package ai.galaxyco.phone.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.kit.messaging.ConsumerGroups;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Each channel consumes in its own group, and a new channel group starts where the service's former shared group left. */
@QuarkusTest
class ConsumerGroupsTest {

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicProbe.bootstrapServers()));
    }

    static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachChannelCommitsInAGroupOfItsOwn() throws Exception {
        String number = ai.galaxyco.phone.testsupport.TestNumbers.next("+1646555", 4);
        var a = new NumberAssignment(PhoneNumber.parse(number), WorkspaceId.of("org_groups"), "Main", false, "sid", null, Instant.now());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, a.key(), a, UUID.randomUUID().toString());
        try (Admin admin = admin()) {
            await().atMost(Duration.ofSeconds(45)).until(() -> committed(admin, "routing-service.number-assignments").keySet()
                    .stream().allMatch(p -> p.topic().equals(Topics.NUMBER_ASSIGNMENTS.name()))
                    && !committed(admin, "routing-service.number-assignments").isEmpty());
            assertEquals(Map.of(), committed(admin, "routing-service"), "nothing consumes in the old shared group any more");
        }
    }

    @Test
    void aNewChannelGroupTakesOverTheSharedGroupsOffsetsOnceAndOnlyThen() throws Exception {
        String topic = "carry-over-" + UUID.randomUUID();
        String shared = "shared-" + UUID.randomUUID();
        String channelGroup = "channel-" + UUID.randomUUID();
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 10; i++) {
                TopicProbe.send(topic, "k", "v" + i, Map.of());
            }
            // a brand-new deployment: the shared group never committed anything, nothing to carry
            assertEquals(0, ConsumerGroups.carryOver(TopicProbe.bootstrapServers(), shared, Map.of(topic, channelGroup)));

            admin.alterConsumerGroupOffsets(shared, Map.of(partition, new OffsetAndMetadata(6))).all().get(10, TimeUnit.SECONDS);
            assertEquals(1, ConsumerGroups.carryOver(TopicProbe.bootstrapServers(), shared, Map.of(topic, channelGroup)));
            assertEquals(6, committed(admin, channelGroup).get(partition).offset());

            // once the channel group has progress of its own, it is never overwritten
            admin.alterConsumerGroupOffsets(channelGroup, Map.of(partition, new OffsetAndMetadata(8))).all().get(10, TimeUnit.SECONDS);
            assertEquals(0, ConsumerGroups.carryOver(TopicProbe.bootstrapServers(), shared, Map.of(topic, channelGroup)));
            assertEquals(8, committed(admin, channelGroup).get(partition).offset());
        }
    }
}
