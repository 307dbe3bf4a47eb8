package ai.galaxyco.phone.provisioning.messaging;

import ai.galaxyco.phone.kit.messaging.IdempotentConsumer;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.RegistrationRequested;
import ai.galaxyco.phone.provisioning.domain.NumberRegistration;
import ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord;
import ai.galaxyco.phone.provisioning.domain.RegistrationWorker;
import ai.galaxyco.phone.provisioning.domain.Workspace;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * What tells provisioning about its numbers' registration: SignalWire's 10DLC status callbacks (through the gateway)
 * and outbound's reports of messages refused as unregistered (21717). Each applied once (deduplicated on ce_id).
 */
@ApplicationScoped
public class NumberHealthConsumers {

    public static final String REGISTRY_STATUS = "registry-status";
    public static final String REGISTRATION_REQUESTS = "registration-requests";

    private final IdempotentConsumer idempotent;
    private final RegistrationWorker worker;
    private final NumberRegistration registration;

    public NumberHealthConsumers(IdempotentConsumer idempotent, RegistrationWorker worker, NumberRegistration registration) {
        this.idempotent = idempotent;
        this.worker = worker;
        this.registration = registration;
    }

    @Incoming(REGISTRY_STATUS)
    @Blocking
    public void registryStatus(ConsumerRecord<String, String> record) {
        idempotent.process("provisioning.registry-status", record,
                r -> worker.apply(Topics.REGISTRY_STATUS.read(r.value())));
    }

    @Incoming(REGISTRATION_REQUESTS)
    @Blocking
    public void registrationRequested(ConsumerRecord<String, String> record) {
        idempotent.process("provisioning.registration-requests", record, r -> {
            RegistrationRequested request = Topics.REGISTRATION_REQUESTS.read(r.value());
            var number = PhoneNumberRecord.<PhoneNumberRecord>find("e164 = ?1 and status = ?2", request.phoneNumber().e164(),
                    PhoneNumberRecord.Status.ACTIVE).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
            if (number.isEmpty()) {
                Log.infof("Registration request for %s ignored: not an active number of ours (the shared number is "
                        + "registered by hand)", request.phoneNumber());
                return;
            }
            Workspace workspace = Workspace.findById(number.get().workspaceId);
            registration.refusedAsUnregistered(number.get(), workspace.plan, request.errorCode() + " " + request.reason());
        });
    }
}
