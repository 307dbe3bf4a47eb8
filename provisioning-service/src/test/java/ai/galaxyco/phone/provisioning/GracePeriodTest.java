package ai.galaxyco.phone.provisioning;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent.Kind;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord;
import ai.galaxyco.phone.provisioning.domain.Workspace;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxControl;
import ai.galaxyco.phone.testsupport.SandboxResource;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With a real grace period: a downgrade keeps the number for a while, and a re-upgrade gets the same one back. */
@QuarkusTest
@TestProfile(GracePeriodTest.OneHourGrace.class)
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class GracePeriodTest {

    public static class OneHourGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("provisioning.release-grace-period", "PT1H");
        }
    }

    static final Duration WAIT = Duration.ofSeconds(45);

    static void lifecycle(String org, Kind kind, Plan plan, long version) {
        TopicProbe.publish(Topics.WORKSPACE_LIFECYCLE, org, new WorkspaceLifecycleEvent(WorkspaceId.of(org), kind, plan, null,
                "Grace", version, "test", Instant.now()), UUID.randomUUID().toString());
    }

    static Workspace workspace(String org) {
        return QuarkusTransaction.requiringNew().call(() -> Workspace.findById(org));
    }

    static PhoneNumberRecord number(String org) {
        return QuarkusTransaction.requiringNew().call(() -> PhoneNumberRecord.<PhoneNumberRecord>find("workspaceId", org).firstResult());
    }

    static long owned(String org) {
        return SandboxControl.ownedNumbers().stream().filter(n -> ProvisioningFlowTest.tag(org).equals(n.path("friendly_name").asText())).count();
    }

    @Test
    void reUpgradeInsideTheGracePeriodKeepsTheSameNumber() {
        String org = "org_grace_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        lifecycle(org, Kind.CREATED, Plan.PRO, 1);
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        String e164 = number(org).e164;

        lifecycle(org, Kind.UPDATED, Plan.STARTER, 2);
        await().atMost(WAIT).until(() -> number(org).status == PhoneNumberRecord.Status.RELEASE_PENDING);
        assertEquals(Workspace.Status.SHARED, workspace(org).status);
        assertEquals(1, owned(org), "kept (and paid for) during the grace period");

        lifecycle(org, Kind.UPDATED, Plan.ENTERPRISE, 3);
        await().atMost(WAIT).until(() -> workspace(org).status == Workspace.Status.ACTIVE);
        assertEquals(e164, number(org).e164);
        assertEquals(PhoneNumberRecord.Status.ACTIVE, number(org).status);
        assertEquals(1, owned(org), "no second number bought");
    }
}
