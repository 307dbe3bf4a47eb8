package ai.galaxyco.phone.gateway.domain;

import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent.Kind;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a Clerk webhook payload into a workspace lifecycle event.
 * <ul>
 * <li>{@code organization.created|updated|deleted}: plan from {@code public_metadata.plan} (starter | pro |
 * enterprise, case-insensitive; absent means Starter for a new organization and "no change" for an update),
 * preferred area code from {@code public_metadata.areaCode}.</li>
 * <li>Clerk Billing {@code subscriptionItem.active} for an organization payer: the plan is read from the slug of
 * the plan that became active (slugs beginning with "pro" or "enterprise"; anything else, such as the free
 * default plan, is Starter). {@code subscriptionItem.ended} is not mapped: its successor's {@code active}
 * carries the new plan, and acting on "ended" could downgrade a workspace that is actually upgrading.</li>
 * </ul>
 * Everything else is not ours to act on (empty result).
 */
public final class ClerkEventMapper {

    private ClerkEventMapper() {
    }

    public static Optional<WorkspaceLifecycleEvent> map(JsonNode envelope, Instant receivedAt) {
        String type = text(envelope, "type");
        JsonNode data = envelope.path("data");
        if (type == null || !data.isObject()) {
            throw new InvalidWebhookException("a Clerk event needs \"type\" and an object \"data\"");
        }
        return switch (type) {
            case "organization.created" -> Optional.of(organization(data, Kind.CREATED, type, envelope, receivedAt));
            case "organization.updated" -> Optional.of(organization(data, Kind.UPDATED, type, envelope, receivedAt));
            case "organization.deleted" -> Optional.of(new WorkspaceLifecycleEvent(workspace(text(data, "id")), Kind.DELETED,
                    null, null, null, version(data, envelope, receivedAt), "clerk:" + type, receivedAt));
            case "subscriptionItem.active" -> billing(data, type, envelope, receivedAt);
            default -> Optional.empty();
        };
    }

    private static WorkspaceLifecycleEvent organization(JsonNode data, Kind kind, String type, JsonNode envelope,
            Instant receivedAt) {
        JsonNode metadata = data.path("public_metadata");
        String declared = metadata.isObject() ? text(metadata, "plan") : null;
        Plan plan;
        try {
            // an update without a plan says nothing about it (a Clerk Billing workspace renamed, say): null = no change;
            // a new organization without one starts on Starter
            plan = declared == null && kind == Kind.UPDATED ? null : Plan.fromClerk(declared);
        } catch (IllegalArgumentException e) {
            // refusing is safer than guessing: a wrong "starter" would release a paying workspace's number
            throw new InvalidWebhookException("public_metadata.plan: " + e.getMessage() + " (expected starter, pro or enterprise)");
        }
        String areaCode = metadata.isObject() ? text(metadata, "areaCode") : null;
        if (areaCode != null && !areaCode.matches("\\d{3}")) {
            areaCode = null; // a preference, not a requirement: an unusable one is ignored
        }
        return new WorkspaceLifecycleEvent(workspace(text(data, "id")), kind, plan, areaCode, text(data, "name"),
                version(data, envelope, receivedAt), "clerk:" + type, receivedAt);
    }

    private static Optional<WorkspaceLifecycleEvent> billing(JsonNode data, String type, JsonNode envelope,
            Instant receivedAt) {
        String organization = text(data.path("payer"), "organization_id");
        if (organization == null) {
            return Optional.empty(); // a user's personal plan, not a workspace's
        }
        String slug = text(data.path("plan"), "slug");
        String normalized = slug == null ? "" : slug.toLowerCase(Locale.ROOT);
        Plan plan = normalized.startsWith("enterprise") ? Plan.ENTERPRISE
                : normalized.startsWith("pro") ? Plan.PRO : Plan.STARTER;
        return Optional.of(new WorkspaceLifecycleEvent(workspace(organization), Kind.UPDATED, plan, null, null,
                version(data, envelope, receivedAt), "clerk:" + type, receivedAt));
    }

    /** Clerk's updated_at (ms); else the envelope timestamp (ms or s, both seen); else the receive time. */
    private static long version(JsonNode data, JsonNode envelope, Instant receivedAt) {
        if (data.path("updated_at").canConvertToLong()) {
            return data.path("updated_at").asLong();
        }
        if (envelope.path("timestamp").canConvertToLong()) {
            long t = envelope.path("timestamp").asLong();
            return t < 100_000_000_000L ? t * 1000 : t;
        }
        return receivedAt.toEpochMilli();
    }

    private static WorkspaceId workspace(String id) {
        try {
            return WorkspaceId.of(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidWebhookException("data.id is not an organization id: " + id);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText().trim() : null;
    }
}
