package ai.galaxyco.phone.provisioning.messaging;

import ai.galaxyco.phone.kit.messaging.IdempotentConsumer;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.provisioning.domain.LifecycleService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Workspace lifecycle events from the gateway; each applied once (deduplicated on ce_id). */
@ApplicationScoped
public class LifecycleConsumer {

    public static final String CHANNEL = "workspace-lifecycle";
    private final IdempotentConsumer idempotent;
    private final LifecycleService lifecycle;

    public LifecycleConsumer(IdempotentConsumer idempotent, LifecycleService lifecycle) {
        this.idempotent = idempotent;
        this.lifecycle = lifecycle;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        idempotent.process("provisioning.lifecycle", record,
                r -> lifecycle.apply(Topics.WORKSPACE_LIFECYCLE.read(r.value())));
    }
}
