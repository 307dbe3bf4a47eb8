package ai.galaxyco.phone.analytics.config;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Set;

/**
 * Metrics keep bounded tags only (channel, kind, plan, status): a tag per workspace would make one time series per
 * tenant and swamp Prometheus. Any meter tagged with a workspace or number is refused here, whoever registers it.
 */
public class MetricTags {

    /** Tag keys whose values grow with the customer base. */
    static final Set<String> UNBOUNDED = Set.of("workspace", "workspace_id", "workspaceid", "org", "org_id", "number",
            "phone_number", "contact");

    @Produces
    @Singleton
    MeterFilter refuseUnboundedTags() {
        return MeterFilter.deny(id -> id.getTags().stream()
                .anyMatch(tag -> UNBOUNDED.contains(tag.getKey().toLowerCase(Locale.ROOT))));
    }
}
