package ai.galaxyco.phone.model;

import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.ConsentChanged;
import ai.galaxyco.phone.model.events.ForwardingUsage;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.MessageStatusChanged;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundRequest;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RegistrationRequested;
import ai.galaxyco.phone.model.events.RegistryStatusChanged;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import java.util.List;

/**
 * The registry of every topic. Producers, consumers, the topic bootstrapper and the tests all read
 * names, keys and event types from here; channel configuration in application.properties is checked
 * against it by each service's tests.
 */
public final class Topics {

    private static final String TYPE_PREFIX = "ai.galaxyco.phone.";

    /** Gateway → provisioning. Clerk organization lifecycle. */
    public static final Topic<WorkspaceLifecycleEvent> WORKSPACE_LIFECYCLE = new Topic<>("workspace-lifecycle", "workspace id", false,
            TYPE_PREFIX + "workspace.lifecycle.v1", WorkspaceLifecycleEvent.class);

    /**
     * Provisioning → everyone. Which workspace owns which number. Compacted: the latest value per key is
     * the current state, and a tombstone (null value) removes it. Key: the E.164 number for a dedicated
     * number; {@code <shared E.164>#<workspace id>} for a workspace on the shared platform number.
     */
    public static final Topic<NumberAssignment> NUMBER_ASSIGNMENTS = new Topic<>("number-assignments", "E.164 number[#workspace id]", true,
            TYPE_PREFIX + "number.assignment.v1", NumberAssignment.class);

    /** Provisioning → analytics and the console. One event per provisioning state change. */
    public static final Topic<ProvisioningResult> PROVISIONING_RESULTS = new Topic<>("provisioning-results", "workspace id", false,
            TYPE_PREFIX + "provisioning.result.v1", ProvisioningResult.class);

    /** Gateway → routing. Inbound SMS, MMS and WhatsApp. */
    public static final Topic<InboundMessage> INBOUND_MESSAGES = new Topic<>("inbound-messages", "called E.164 number", false,
            TYPE_PREFIX + "inbound.message.v1", InboundMessage.class);

    /** Gateway → routing. Inbound calls and voicemail recordings. */
    public static final Topic<InboundCall> INBOUND_CALLS = new Topic<>("inbound-calls", "called E.164 number", false,
            TYPE_PREFIX + "inbound.call.v1", InboundCall.class);

    /** Gateway → outbound. Message delivery status callbacks. */
    public static final Topic<MessageStatusChanged> MESSAGE_STATUS = new Topic<>("message-status", "provider message sid", false,
            TYPE_PREFIX + "message.status.v1", MessageStatusChanged.class);

    /** Gateway → routing and analytics. Call status callbacks. */
    public static final Topic<CallStatusChanged> CALL_STATUS = new Topic<>("call-status", "provider call sid", false,
            TYPE_PREFIX + "call.status.v1", CallStatusChanged.class);

    /** Any platform service → outbound. Send-message commands. */
    public static final Topic<OutboundRequest> OUTBOUND_REQUESTS = new Topic<>("outbound-requests", "workspace id", false,
            TYPE_PREFIX + "outbound.request.v1", OutboundRequest.class);

    /** Outbound → routing and analytics. Sent messages and their status changes. */
    public static final Topic<OutboundResult> OUTBOUND_RESULTS = new Topic<>("outbound-results", "recipient E.164 number", false,
            TYPE_PREFIX + "outbound.result.v1", OutboundResult.class);

    /** Routing → downstream consumers. Inbound messages resolved to a workspace and conversation. */
    public static final Topic<RoutedMessage> ROUTED_MESSAGES = new Topic<>("routed-messages", "workspace id", false,
            TYPE_PREFIX + "routed.message.v1", RoutedMessage.class);

    /** Routing → outbound. STOP / START / HELP. */
    public static final Topic<ConsentChanged> CONSENT_CHANGES = new Topic<>("consent-changes", "our E.164 number", false,
            TYPE_PREFIX + "consent.changed.v1", ConsentChanged.class);

    /** Gateway → provisioning. SignalWire's 10DLC status callbacks (campaign registry orders and assignments). */
    public static final Topic<RegistryStatusChanged> REGISTRY_STATUS = new Topic<>("registry-status", "order id (else campaign id)", false,
            TYPE_PREFIX + "registry.status.v1", RegistryStatusChanged.class);

    /** Outbound → provisioning. A sender was refused as unregistered (21717): register it again. */
    public static final Topic<RegistrationRequested> REGISTRATION_REQUESTS = new Topic<>("registration-requests", "our E.164 number", false,
            TYPE_PREFIX + "registration.requested.v1", RegistrationRequested.class);

    /**
     * Routing → gateway. Each workspace's forwarded call seconds per UTC day (compacted: the latest total per key),
     * which bound the next forwarded call's time limit. Key: {@code <workspace id>#<yyyy-mm-dd>}.
     */
    public static final Topic<ForwardingUsage> FORWARDING_USAGE = new Topic<>("forwarding-usage", "workspace id#UTC day", true,
            TYPE_PREFIX + "forwarding.usage.v1", ForwardingUsage.class);

    public static final List<Topic<?>> ALL = List.of(WORKSPACE_LIFECYCLE, NUMBER_ASSIGNMENTS, PROVISIONING_RESULTS,
            INBOUND_MESSAGES, INBOUND_CALLS, MESSAGE_STATUS, CALL_STATUS, OUTBOUND_REQUESTS, OUTBOUND_RESULTS,
            ROUTED_MESSAGES, CONSENT_CHANGES, REGISTRY_STATUS, REGISTRATION_REQUESTS, FORWARDING_USAGE);

    private Topics() {
    }

    public static Topic<?> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such topic: " + name));
    }
}
