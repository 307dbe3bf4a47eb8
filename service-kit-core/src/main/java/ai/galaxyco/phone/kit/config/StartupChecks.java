package ai.galaxyco.phone.kit.config;

import io.quarkus.arc.All;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Runs every {@link StartupCheck} of the application before anything else starts (Kafka, topics, schedules). */
public class StartupChecks {

    void run(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, @All List<StartupCheck> checks,
            @ConfigProperty(name = "quarkus.application.name") String application) {
        boolean production = LaunchMode.current() == LaunchMode.NORMAL;
        refuseIfAny(application, checks.stream().flatMap(check -> check.problems(production).stream()).toList());
    }

    /** @throws IllegalStateException naming the application and every problem, when there is any */
    static void refuseIfAny(String application, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalStateException(application + " cannot start: " + String.join("; ", problems));
        }
    }
}
