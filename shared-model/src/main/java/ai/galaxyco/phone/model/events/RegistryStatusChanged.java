package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.PhoneNumber;
import java.time.Instant;

/**
 * A 10DLC status callback from SignalWire's Campaign Registry, as the gateway verified it: the state of a brand,
 * campaign, number assignment order or number assignment changed. {@code category} is SignalWire's
 * {@code event_category} ({@code number_assignment_order}, {@code number_assignment}, {@code campaign}, {@code brand}),
 * {@code state} its new state (orders: pending → processed; number assignments: pending → completed | failed).
 * {@code phoneNumber} and {@code numberAssignmentId} are present on number assignment events only.
 */
public record RegistryStatusChanged(
        String category,
        String eventType,
        String state,
        String campaignId,
        String orderId,
        String numberAssignmentId,
        PhoneNumber phoneNumber,
        String reason,
        Instant eventAt,
        Instant receivedAt) {

    /** The record key: the order (so an order and its numbers' events stay in order), else the campaign. */
    public String key() {
        return orderId != null ? orderId : campaignId != null ? campaignId : category;
    }
}
