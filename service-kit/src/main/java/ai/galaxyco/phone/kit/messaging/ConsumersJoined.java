package ai.galaxyco.phone.kit.messaging;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until every incoming channel's consumer has joined its group and received its assignment (a group
 * generation), so a load balancer or an orchestrator does not count an instance that takes no share of the topics
 * yet, and `./stack up` (which waits for readiness) returns only once every consumer has its partitions. An
 * assignment may be empty (more instances than partitions). Once every consumer has joined it stays ready: a later
 * rebalance is Kafka's to handle, not a reason to take the instance out.
 */
@Readiness
@ApplicationScoped
public class ConsumersJoined implements HealthCheck {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

    private final KafkaClientService clients;
    private volatile boolean joined;

    public ConsumersJoined(KafkaClientService clients) {
        this.clients = clients;
    }

    @Override
    public HealthCheckResponse call() {
        if (joined) {
            return HealthCheckResponse.named("kafka consumers joined their groups").up().build();
        }
        List<String> waiting = new ArrayList<>();
        for (String channel : clients.getConsumerChannels()) {
            for (KafkaConsumer<Object, Object> consumer : clients.<Object, Object>getConsumers(channel)) {
                if (!hasGeneration(consumer)) {
                    waiting.add(channel);
                }
            }
        }
        joined = waiting.isEmpty();
        return HealthCheckResponse.named("kafka consumers joined their groups").status(joined)
                .withData("waiting", String.join(",", waiting)).build();
    }

    private static boolean hasGeneration(KafkaConsumer<Object, Object> consumer) {
        try {
            ConsumerGroupMetadata group = consumer.consumerGroupMetadata().await().atMost(ASK_TIMEOUT);
            return group != null && group.generationId() > 0;
        } catch (RuntimeException e) {
            return false; // not polling yet, or busy: ask again at the next probe
        }
    }
}
