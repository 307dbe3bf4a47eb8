package ai.galaxyco.phone.provisioning.config;

import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;

/** In the prod profile, missing SignalWire credentials stop start-up with a message naming the variables. */
public class RequiredSecrets {

    void check(@Observes StartupEvent event, SignalWireHttp signalWire) {
        signalWire.requireConfigured("provisioning-service");
    }
}
