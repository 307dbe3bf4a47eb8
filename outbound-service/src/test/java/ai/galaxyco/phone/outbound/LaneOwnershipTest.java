package ai.galaxyco.phone.outbound;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.outbound.config.OutboundConfig;
import ai.galaxyco.phone.outbound.domain.LaneOwnership;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxResource;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Sender numbers are shared out among outbound instances so that no two pace the same number: here the service's own
 * instance and two more made on the same database (each with its own connection and locks, as separate processes).
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class LaneOwnershipTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    LaneOwnership running;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboundConfig config;

    @Test
    void instancesShareTheBucketsDisjointlyAndTakeOverADeadOnesAfterTheHandover() {
        LaneOwnership second = new LaneOwnership(dataSource, Clock.systemUTC(), config, new SimpleMeterRegistry());
        LaneOwnership third = new LaneOwnership(dataSource, Clock.systemUTC(), config, new SimpleMeterRegistry());
        List<LaneOwnership> all = List.of(running, second, third);
        try {
            // each refreshes once a second: they settle on about a third each (22, 22, 20), never the same bucket twice
            await().atMost(WAIT).until(() -> {
                all.forEach(LaneOwnership::usable);
                return all.stream().allMatch(o -> o.held().size() >= 20) && union(all).size() == LaneOwnership.BUCKETS;
            });
            assertDisjoint(all);
            // a bucket given up by one is usable by its new owner only after the handover delay
            second.close();
            List<Integer> freed = third.held(); // what the remaining two share next: all of it, in time
            await().atMost(WAIT).until(() -> {
                running.usable();
                third.usable();
                return union(List.of(running, third)).size() == LaneOwnership.BUCKETS;
            });
            assertDisjoint(List.of(running, third));
            assertTrue(running.usable().size() + third.usable().size() <= LaneOwnership.BUCKETS);
            assertTrue(freed.stream().allMatch(b -> third.held().contains(b) || running.held().contains(b)));
        } finally {
            second.close();
            third.close();
        }
        // alone again: the service's instance takes every bucket back
        await().atMost(WAIT).until(() -> running.usable().size() == LaneOwnership.BUCKETS);
    }

    private static Set<Integer> union(List<LaneOwnership> owners) {
        Set<Integer> union = new HashSet<>();
        owners.forEach(o -> union.addAll(o.held()));
        return union;
    }

    private static void assertDisjoint(List<LaneOwnership> owners) {
        int total = owners.stream().mapToInt(o -> o.held().size()).sum();
        assertEquals(union(owners).size(), total, "a bucket held by two instances at once");
    }
}
