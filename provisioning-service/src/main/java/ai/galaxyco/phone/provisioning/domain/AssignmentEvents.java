package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.domain.DestinationOverrides;
import ai.galaxyco.phone.kit.messaging.Outbox;
import ai.galaxyco.phone.kit.signalwire.SignalWireConfig;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;

/** The events provisioning publishes, always through the outbox in the caller's transaction. */
@ApplicationScoped
public class AssignmentEvents {

    private final Outbox outbox;
    private final Clock clock;
    private final Optional<PhoneNumber> sharedNumber;
    private final DestinationOverrides overrides;

    public AssignmentEvents(Outbox outbox, Clock clock, SignalWireConfig signalWire, DestinationOverrides overrides) {
        this.overrides = overrides;
        this.outbox = outbox;
        this.clock = clock;
        this.sharedNumber = signalWire.phoneNumber().filter(s -> !s.isBlank()).map(PhoneNumber::parse);
    }

    /**
     * The number's current assignment, with its owner's plan (which bounds the gateway's forwarding budget) and the
     * forwarding countries an operator set for the owner (null: the platform's), which the gateway applies to calls, and
     * the number's voicemail greeting, which the gateway speaks.
     */
    public void assignDedicated(PhoneNumberRecord number) {
        Workspace owner = Workspace.findById(number.workspaceId);
        var assignment = new NumberAssignment(PhoneNumber.parse(number.e164), WorkspaceId.of(number.workspaceId), number.label,
                false, number.providerSid, number.forwardTo == null ? null : PhoneNumber.parse(number.forwardTo), clock.instant(),
                number.messagingState, owner == null ? null : owner.plan,
                overrides.countriesOf(number.workspaceId, DestinationOverrides.Purpose.FORWARDING).orElse(null),
                number.voicemailGreeting);
        outbox.publish(Topics.NUMBER_ASSIGNMENTS, assignment.key(), assignment);
    }

    public void unassignDedicated(PhoneNumberRecord number) {
        outbox.tombstone(Topics.NUMBER_ASSIGNMENTS, NumberAssignment.keyFor(PhoneNumber.parse(number.e164), null));
    }

    public void assignShared(Workspace workspace) {
        sharedNumber.ifPresent(shared -> {
            var assignment = new NumberAssignment(shared, WorkspaceId.of(workspace.id), "Main", true, null, null, clock.instant());
            outbox.publish(Topics.NUMBER_ASSIGNMENTS, assignment.key(), assignment);
        });
    }

    public void unassignShared(Workspace workspace) {
        sharedNumber.ifPresent(shared -> outbox.tombstone(Topics.NUMBER_ASSIGNMENTS,
                NumberAssignment.keyFor(shared, WorkspaceId.of(workspace.id))));
    }

    public void result(Workspace workspace, ProvisioningResult.Status status, PhoneNumberRecord number) {
        boolean shared = status == ProvisioningResult.Status.SHARED;
        var result = new ProvisioningResult(WorkspaceId.of(workspace.id), status, workspace.plan,
                number != null ? PhoneNumber.parse(number.e164) : shared ? sharedNumber.orElse(null) : null,
                number != null ? number.providerSid : null, workspace.attempts,
                status == ProvisioningResult.Status.FAILED ? workspace.lastErrorCode : null,
                status == ProvisioningResult.Status.FAILED ? workspace.lastError : null, clock.instant());
        outbox.publish(Topics.PROVISIONING_RESULTS, workspace.id, result);
    }

    public Optional<PhoneNumber> sharedNumber() {
        return sharedNumber;
    }
}
