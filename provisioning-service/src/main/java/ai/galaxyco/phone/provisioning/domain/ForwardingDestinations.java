package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.domain.DestinationOverrides;
import ai.galaxyco.phone.kit.domain.DestinationOverrides.Effective;
import ai.galaxyco.phone.kit.domain.DestinationOverrides.Purpose;
import ai.galaxyco.phone.model.values.DestinationPolicy;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Where a workspace's calls may be forwarded: FORWARDING_ALLOWED_COUNTRIES, or the countries an operator set for it.
 * Checked here when a forward is saved, and by the gateway when a call comes in: an operator's countries travel on
 * the workspace's number assignments, which are published again when they change.
 */
@ApplicationScoped
public class ForwardingDestinations {

    private final DestinationOverrides overrides;
    private final AssignmentEvents events;
    private final DestinationPolicy platform;

    public ForwardingDestinations(DestinationOverrides overrides, AssignmentEvents events, ProvisioningConfig config) {
        this.overrides = overrides;
        this.events = events;
        this.platform = DestinationPolicy.of(config.forwardingAllowedCountries());
    }

    public Effective of(String workspaceId) {
        return overrides.of(workspaceId, Purpose.FORWARDING, platform);
    }

    /** Sets the workspace's countries (null: the platform's again) and tells the gateway through its numbers' assignments. */
    public void change(String workspaceId, DestinationPolicy policy, String setBy, Instant now) {
        overrides.override(workspaceId, Purpose.FORWARDING, policy, setBy, now);
        PhoneNumberRecord.<PhoneNumberRecord>list("workspaceId = ?1 and status = ?2", workspaceId, PhoneNumberRecord.Status.ACTIVE)
                .forEach(events::assignDedicated);
    }
}
