package ai.galaxyco.phone.gateway.api;

import ai.galaxyco.phone.gateway.config.GatewayConfig;
import ai.galaxyco.phone.gateway.domain.ClerkEventMapper;
import ai.galaxyco.phone.gateway.domain.InvalidWebhookException;
import ai.galaxyco.phone.gateway.messaging.EventPublisher;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.signature.SvixSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Clerk organization webhooks, delivered by Svix. The signature is checked on the raw body; the event id is
 * derived from {@code svix-id}, which Svix keeps across retries, so a redelivery is recognised downstream.
 */
// open to anyone: each request is verified by its Svix signature instead
@jakarta.annotation.security.PermitAll
@Path("/api/webhooks/clerk")
public class ClerkWebhookResource {

    private final GatewayConfig config;
    private final EventPublisher publisher;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry registry;

    public ClerkWebhookResource(GatewayConfig config, EventPublisher publisher, ObjectMapper json, Clock clock,
            MeterRegistry registry) {
        this.config = config;
        this.publisher = publisher;
        this.json = json;
        this.clock = clock;
        this.registry = registry;
    }

    @POST
    public CompletionStage<Response> receive(
            @HeaderParam("svix-id") String svixId, @HeaderParam("svix-timestamp") String svixTimestamp,
            @HeaderParam("svix-signature") String svixSignature,
            @HeaderParam("webhook-id") String webhookId, @HeaderParam("webhook-timestamp") String webhookTimestamp,
            @HeaderParam("webhook-signature") String webhookSignature, byte[] body) {
        String id = svixId != null ? svixId : webhookId;
        String timestamp = svixId != null ? svixTimestamp : webhookTimestamp;
        String signature = svixId != null ? svixSignature : webhookSignature;
        Instant now = clock.instant();
        var outcome = config.clerkWebhookSecret()
                .map(secret -> SvixSignature.verify(secret, id, timestamp, signature, body == null ? new byte[0] : body, now))
                .orElse(SvixSignature.Outcome.NO_MATCHING_SIGNATURE);
        if (outcome != SvixSignature.Outcome.VALID) {
            count("clerk", "refused_signature");
            return done(ProblemException.response(401, "invalid_signature", "Svix signature check failed: " + outcome));
        }
        JsonNode envelope;
        try {
            envelope = json.readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            count("clerk", "malformed");
            return done(ProblemException.response(400, "malformed_json", "body is not JSON: " + e.getMessage()));
        }
        if (envelope == null || !envelope.isObject()) {
            count("clerk", "malformed");
            return done(ProblemException.response(400, "malformed_json", "body must be a JSON object"));
        }
        try {
            var event = ClerkEventMapper.map(envelope, now);
            if (event.isEmpty()) {
                registry.counter("webhooks.clerk.ignored", "type", String.valueOf(envelope.path("type").asText())).increment();
                count("clerk", "ignored");
                return done(Response.noContent().build());
            }
            return publisher.publish(Topics.WORKSPACE_LIFECYCLE, event.get().workspaceId().value(), "clerk:" + id.trim(), event.get())
                    .thenApply(delivery -> {
                        count("clerk", delivery == EventPublisher.Delivery.PUBLISHED ? "published" : "spooled");
                        return Response.noContent().build();
                    })
                    .exceptionally(failure -> {
                        count("clerk", "unavailable");
                        Log.warnf("Clerk webhook %s neither published nor spooled, answering 503: %s", id, failure.getMessage());
                        return ProblemException.response(503, "broker_unavailable", "try again later");
                    });
        } catch (InvalidWebhookException e) {
            count("clerk", "invalid");
            return done(ProblemException.response(400, "invalid_event", e.getMessage()));
        }
    }

    private void count(String source, String outcome) {
        registry.counter("webhooks.received", "source", source, "outcome", outcome).increment();
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
