package ai.galaxyco.phone.provisioning.signalwire;

import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;

/**
 * SignalWire's 10DLC Campaign Registry ({@code /api/relay/rest/registry/beta}): assigning numbers to a campaign with
 * an order, reading orders and a campaign's number assignments back, and removing a number from its campaign.
 */
@ApplicationScoped
public class RegistryApi {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SignalWireHttp http;

    public RegistryApi(SignalWireHttp http) {
        this.http = http;
    }

    /** A number assignment order: {@code pending}, then {@code processed}. */
    public record Order(String id, String state) {
        public boolean processed() {
            return "processed".equalsIgnoreCase(state);
        }
    }

    /** One number's assignment to a campaign: {@code pending}, {@code completed} or {@code failed}. */
    public record Assignment(String id, String state, String phoneNumber, String orderId, String failureReason) {
    }

    /** Orders {@code e164} into {@code campaignId}; SignalWire posts status callbacks to {@code callbackUrl}. */
    public Order createOrder(String campaignId, String e164, String callbackUrl) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("phone_numbers", List.of(e164), "status_callback_url", callbackUrl));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        JsonNode order = http.post(registry().addPathSegment("campaigns").addPathSegment(campaignId).addPathSegment("orders").build(),
                RequestBody.create(body, JSON_TYPE));
        return order(order);
    }

    public Order order(String orderId) {
        return order(http.get(registry().addPathSegment("orders").addPathSegment(orderId).build()));
    }

    /** {@code e164}'s assignment in the campaign, the newest if it was ordered more than once. */
    public Optional<Assignment> assignmentOf(String campaignId, String e164) {
        Assignment found = null;
        HttpUrl next = registry().addPathSegment("campaigns").addPathSegment(campaignId).addPathSegment("numbers").build();
        while (next != null) {
            JsonNode page = http.get(next);
            for (JsonNode a : page.path("data")) {
                // the number is a string, or an object with "number" in some versions of the API
                JsonNode number = a.path("phone_number");
                String e = number.isObject() ? number.path("number").asText(null) : number.asText(null);
                if (e164.equals(e)) {
                    found = new Assignment(a.path("id").asText(), a.path("state").asText(), e,
                            a.path("number_assignment_order_id").asText(null), a.path("failure_reason").asText(null));
                }
            }
            String link = page.path("links").path("next").asText(null);
            next = link == null || link.isBlank() ? null : next.resolve(link);
        }
        return Optional.ofNullable(found);
    }

    /** Removes a number assignment from its campaign; one SignalWire no longer knows counts as removed. */
    public void removeAssignment(String assignmentId) {
        try {
            http.delete(registry().addPathSegment("numbers").addPathSegment(assignmentId).build());
        } catch (SignalWireException e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
        }
    }

    private HttpUrl.Builder registry() {
        return http.relayRestUrl().addPathSegments("registry/beta");
    }

    private static Order order(JsonNode n) {
        if (!n.path("id").isTextual()) {
            throw new SignalWireException(200, null, "registry order without id: " + n, null);
        }
        return new Order(n.path("id").asText(), n.path("state").asText("pending"));
    }
}
