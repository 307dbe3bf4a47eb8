package ai.galaxyco.phone.kit.signalwire;

import ai.galaxyco.phone.kit.config.StartupCheck;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * In the packaged application of a service that calls SignalWire (signalwire.credentials-required), missing
 * credentials stop start-up naming the variables; dev and test configure a sandbox themselves.
 */
@Singleton
public class SignalWireCredentialsCheck implements StartupCheck {

    private final SignalWireConfig config;

    public SignalWireCredentialsCheck(SignalWireConfig config) {
        this.config = config;
    }

    @Override
    public List<String> problems(boolean production) {
        List<String> problems = new ArrayList<>();
        if (!production || !config.credentialsRequired()) {
            return problems;
        }
        if (config.projectId().isEmpty()) {
            problems.add("set SIGNALWIRE_PROJECT_ID");
        }
        if (config.token().isEmpty()) {
            problems.add("set SIGNALWIRE_TOKEN");
        }
        if (config.spaceUrl().isEmpty()) {
            problems.add("set SIGNALWIRE_SPACE_URL");
        }
        return problems;
    }
}
