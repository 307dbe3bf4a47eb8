package ai.galaxyco.phone.gateway.messaging;

import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.values.PhoneNumber;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's copy of the compacted number-assignments topic: who owns the number called, and where its calls are
 * forwarded. Ready only after it caught up with the topic (see {@link CompactedTopicView}).
 */
@ApplicationScoped
public class AssignmentView {

    private final CompactedTopicView<NumberAssignment> view;

    public AssignmentView(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, MeterRegistry registry) {
        this.view = new CompactedTopicView<>(Topics.NUMBER_ASSIGNMENTS, bootstrapServers, registry, "gateway.assignments");
    }

    void start(@Observes StartupEvent event) {
        view.start();
    }

    void stop(@Observes ShutdownEvent event) {
        view.stop();
    }

    public boolean isCaughtUp() {
        return view.isCaughtUp();
    }

    /** The workspace that owns {@code number} as a dedicated number. */
    public Optional<NumberAssignment> dedicatedOwner(PhoneNumber number) {
        return view.get(number.e164()).filter(assignment -> !assignment.shared());
    }

    /** True if {@code number} is the shared number of at least one workspace. */
    public boolean isSharedNumber(PhoneNumber number) {
        return view.anyMatch(a -> a.shared() && a.phoneNumber().equals(number));
    }
}
