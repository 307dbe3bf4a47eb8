package ai.galaxyco.phone.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until calls can be answered from complete views: of the number assignments (who owns the number called)
 * and of today's forwarding usage (how long a forwarded call may last).
 */
@Readiness
@ApplicationScoped
public class AssignmentViewReadiness implements HealthCheck {

    private final AssignmentView assignments;
    private final ForwardingUsageView forwardingUsage;

    public AssignmentViewReadiness(AssignmentView assignments, ForwardingUsageView forwardingUsage) {
        this.assignments = assignments;
        this.forwardingUsage = forwardingUsage;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("number assignments loaded").withData("forwarding usage loaded", forwardingUsage.isCaughtUp())
                .status(assignments.isCaughtUp() && forwardingUsage.isCaughtUp()).build();
    }
}
