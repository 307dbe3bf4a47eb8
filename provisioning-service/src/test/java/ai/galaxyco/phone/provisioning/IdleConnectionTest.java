package ai.galaxyco.phone.provisioning;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent.Kind;
import ai.galaxyco.phone.provisioning.domain.ProvisioningAttempt;
import ai.galaxyco.phone.provisioning.domain.Reconciler;
import ai.galaxyco.phone.provisioning.domain.Workspace;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sandbox closes connections idle for {@link SandboxResource#IDLE_TIMEOUT}, as real servers do after their own
 * timeouts, while the client pools them for longer: after a quiet spell every pooled connection is dead. No request
 * may fail because of that.
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class IdleConnectionTest {

    @Inject
    Reconciler reconciler;

    @Inject
    MeterRegistry registry;

    @Test
    void reconciliationAndPurchaseAfterAQuietSpellMakeNoFailedRequest() throws InterruptedException {
        reconciler.reconcile(); // leaves a connection in the pool
        double failuresBefore = failures();
        double retriesBefore = retries();

        // the quiet spell is the scenario itself, not a wait for a result: it outlasts the sandbox's idle timeout
        Thread.sleep(SandboxResource.IDLE_TIMEOUT.multipliedBy(2).plusSeconds(1).toMillis());
        reconciler.reconcile(); // throws "unexpected end of stream" if a dead connection is used without a repeat

        Thread.sleep(SandboxResource.IDLE_TIMEOUT.multipliedBy(2).plusSeconds(1).toMillis());
        String org = ProvisioningFlowTest.newOrg();
        ProvisioningFlowTest.lifecycle("clerk:idle_" + org, org, Kind.CREATED, Plan.PRO, 1);
        await().atMost(ProvisioningFlowTest.WAIT).until(() -> {
            Workspace w = ProvisioningFlowTest.workspace(org);
            return w != null && w.status == Workspace.Status.ACTIVE;
        });
        List<ProvisioningAttempt> attempts = QuarkusTransaction.requiringNew()
                .call(() -> ProvisioningAttempt.<ProvisioningAttempt>list("workspaceId", org));
        assertEquals(List.of("SUCCEEDED"), attempts.stream().map(a -> a.outcome).toList(), "one attempt, and it succeeded");
        assertEquals(failuresBefore, failures(), "no SignalWire call failed");
        assertTrue(retries() > retriesBefore, "the quiet spell did kill pooled connections (else this test proves nothing)");
    }

    private double failures() {
        return registry.find("signalwire.call.failures").counters().stream().mapToDouble(Counter::count).sum();
    }

    private double retries() {
        return registry.find("signalwire.call.retries").counters().stream().mapToDouble(Counter::count).sum();
    }
}
