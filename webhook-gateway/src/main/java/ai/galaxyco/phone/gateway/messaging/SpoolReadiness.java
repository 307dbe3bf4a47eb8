package ai.galaxyco.phone.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The gateway can take webhooks while Kafka or the spool can hold them; a Kafka outage alone must not take it out
 * of the load balancer (SignalWire does not retry a failed messaging webhook), so readiness fails only when the
 * spool is full or cannot write (a full or failing disk: then it names the error).
 */
@Readiness
@ApplicationScoped
public class SpoolReadiness implements HealthCheck {

    private final EventPublisher publisher;

    public SpoolReadiness(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        String writeFailure = publisher.spoolWriteFailure();
        var answer = HealthCheckResponse.named("webhook spool has room").status(!publisher.spoolFull() && writeFailure == null)
                .withData("spooled", publisher.spooled());
        return (writeFailure == null ? answer : answer.withData("writeFailure", writeFailure)).build();
    }
}
