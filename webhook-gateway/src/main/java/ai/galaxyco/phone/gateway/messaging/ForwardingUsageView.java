package ai.galaxyco.phone.gateway.messaging;

import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.ForwardingUsage;
import ai.galaxyco.phone.model.values.WorkspaceId;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.LocalDate;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's copy of the compacted forwarding-usage topic: how many seconds each workspace's forwarded calls have
 * lasted today, as routing counted them from the calls' final statuses (a call still running is not in it yet).
 */
@ApplicationScoped
public class ForwardingUsageView {

    private final CompactedTopicView<ForwardingUsage> view;

    public ForwardingUsageView(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, MeterRegistry registry) {
        this.view = new CompactedTopicView<>(Topics.FORWARDING_USAGE, bootstrapServers, registry, "gateway.forwarding.usage");
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

    /** Seconds forwarded so far on {@code day} (UTC). */
    public long forwardedSeconds(WorkspaceId workspaceId, LocalDate day) {
        return view.get(ForwardingUsage.keyFor(workspaceId, day)).map(ForwardingUsage::forwardedSeconds).orElse(0L);
    }
}
