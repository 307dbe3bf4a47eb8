package ai.galaxyco.phone.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until calls can be answered from a complete view of the number assignments. */
@Readiness
@ApplicationScoped
public class AssignmentViewReadiness implements HealthCheck {

    private final AssignmentView view;

    public AssignmentViewReadiness(AssignmentView view) {
        this.view = view;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("number assignments loaded").status(view.isCaughtUp()).build();
    }
}
