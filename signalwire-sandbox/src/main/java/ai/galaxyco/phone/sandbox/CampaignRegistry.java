package ai.galaxyco.phone.sandbox;

import ai.galaxyco.phone.model.signature.SignalWireSignature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * SignalWire's 10DLC Campaign Registry as far as number assignment goes ({@code /api/relay/rest/registry/beta}):
 * orders that assign numbers to a campaign, processed after {@link #delay()} (each number completed, or failed when
 * a failure was injected), with JSON status callbacks signed like SignalWire's JSON webhooks (hex HMAC-SHA1 over URL +
 * body in {@code X-SignalWire-Signature}); the campaign's number list; and removal of a number from its campaign.
 * When {@link #enforcing()}, a message from a bought 10DLC number that is in no completed assignment is refused
 * with 21717, as carriers do. Numbers the project got outside the API (the shared platform number) and toll-free
 * numbers count as registered by hand.
 */
final class CampaignRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final Clock clock = Clock.systemUTC();
    private final Predicate<String> owned;
    private final Map<String, Map<String, Object>> orders = new ConcurrentHashMap<>();
    /** Number assignments by id: {id, state, phone_number, phone_number_id, campaign_id, number_assignment_order_id, …}. */
    private final Map<String, Map<String, Object>> assignments = new ConcurrentHashMap<>();
    private final Set<String> registeredByHand = ConcurrentHashMap.newKeySet();
    /** Injected assignment failures: reason, for numbers starting with prefix (every number when empty). */
    private final ConcurrentLinkedQueue<String[]> injectedFailures = new ConcurrentLinkedQueue<>();
    private final List<Map<String, Object>> deliveredCallbacks = new CopyOnWriteArrayList<>();
    private volatile Duration delay = Duration.ofMillis(200);
    private volatile boolean enforcing;
    private volatile String signingKey;

    CampaignRegistry(ScheduledExecutorService scheduler, HttpClient http, String signingKey, Predicate<String> owned) {
        this.scheduler = scheduler;
        this.http = http;
        this.signingKey = signingKey;
        this.owned = owned;
    }

    Duration delay() {
        return delay;
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    boolean enforcing() {
        return enforcing;
    }

    void enforcing(boolean enforcing) {
        this.enforcing = enforcing;
    }

    /** The next {@code count} numbers ordered that start with {@code prefix} fail their assignment with {@code reason}. */
    void failNext(int count, String reason, String prefix) {
        for (int i = 0; i < count; i++) {
            injectedFailures.add(new String[] {reason, prefix == null ? "" : prefix});
        }
    }

    private String takeFailure(String e164) {
        for (String[] failure : injectedFailures) {
            if (e164.startsWith(failure[1]) && injectedFailures.remove(failure)) {
                return failure[0];
            }
        }
        return null;
    }

    void registeredByHand(String e164) {
        registeredByHand.add(e164);
    }

    /** Whether carriers would refuse a message from {@code from} (21717), with registration enforced. */
    boolean refuses(String from) {
        if (!enforcing || registeredByHand.contains(from) || from.matches("^\\+18(00|33|44|55|66|77|88)\\d{7}$")) {
            return false;
        }
        return assignments.values().stream().noneMatch(a -> from.equals(a.get("phone_number")) && "completed".equals(a.get("state")));
    }

    /** A number released by the project leaves its campaign too. */
    void forget(String e164) {
        assignments.values().removeIf(a -> e164.equals(a.get("phone_number")));
        registeredByHand.remove(e164);
    }

    void reset() {
        orders.clear();
        assignments.clear();
        registeredByHand.clear();
        injectedFailures.clear();
        deliveredCallbacks.clear();
        enforcing = false;
        delay = Duration.ofMillis(200);
    }

    Map<String, Object> state() {
        return Map.of("orders", List.copyOf(orders.values()), "assignments", List.copyOf(assignments.values()),
                "callbacks", List.copyOf(deliveredCallbacks), "enforcing", enforcing, "delayMs", delay.toMillis());
    }

    /**
     * {@code POST campaigns/{id}/orders}. Answers {@code status} and body; numbers the project does not own are refused
     * with 422 and SignalWire's Relay REST error shape.
     */
    Answer createOrder(String campaignId, Map<String, Object> body, Map<String, String> numberSids) {
        Object raw = body.get("phone_numbers");
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            return unprocessable("phone_numbers", "phone_numbers must be a non-empty list of E.164 numbers");
        }
        List<String> phoneNumbers = list.stream().map(String::valueOf).toList();
        for (String number : phoneNumbers) {
            if (!owned.test(number)) {
                return unprocessable("phone_numbers", number + " is not a number of this project");
            }
        }
        String now = clock.instant().toString();
        String orderId = UUID.randomUUID().toString();
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("id", orderId);
        order.put("state", "pending");
        order.put("processed_at", null);
        order.put("created_at", now);
        order.put("updated_at", now);
        order.put("status_callback_url", body.get("status_callback_url"));
        order.put("campaign_id", campaignId);
        order.put("phone_numbers", phoneNumbers);
        orders.put(orderId, order);
        List<Map<String, Object>> created = new ArrayList<>();
        for (String number : phoneNumbers) {
            Map<String, Object> assignment = new LinkedHashMap<>();
            assignment.put("id", UUID.randomUUID().toString());
            assignment.put("state", "pending");
            assignment.put("phone_number", number);
            assignment.put("phone_number_id", numberSids.get(number));
            assignment.put("campaign_id", campaignId);
            assignment.put("number_assignment_order_id", orderId);
            assignment.put("failure_reason", null);
            assignment.put("created_at", now);
            assignment.put("updated_at", now);
            created.add(assignment);
        }
        scheduler.schedule(() -> process(order, created), delay.toMillis(), TimeUnit.MILLISECONDS);
        return new Answer(200, order);
    }

    private void process(Map<String, Object> order, List<Map<String, Object>> created) {
        String callbackUrl = (String) order.get("status_callback_url");
        for (Map<String, Object> assignment : created) {
            String failure = takeFailure(String.valueOf(assignment.get("phone_number")));
            assignment.put("state", failure == null ? "completed" : "failed");
            assignment.put("failure_reason", failure);
            assignment.put("updated_at", clock.instant().toString());
            // a failed assignment stays listed (as SignalWire shows it) until removed; a completed one replaces older ones
            if (failure == null) {
                assignments.values().removeIf(a -> a.get("phone_number").equals(assignment.get("phone_number")));
            }
            assignments.put((String) assignment.get("id"), assignment);
            callback(callbackUrl, event("number_assignment", failure == null ? "number_assignment_activated"
                    : "number_assignment_failed", assignment, order));
        }
        order.put("state", "processed");
        order.put("processed_at", clock.instant().toString());
        order.put("updated_at", clock.instant().toString());
        callback(callbackUrl, event("number_assignment_order", "number_assignment_order_processed", null, order));
    }

    private Map<String, Object> event(String category, String type, Map<String, Object> assignment, Map<String, Object> order) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("project_id", "sandbox");
        event.put("event_at", clock.instant().toString());
        event.put("event_category", category);
        event.put("event_type", type);
        event.put("state", assignment != null ? assignment.get("state") : order.get("state"));
        event.put("brand_id", "sandbox-brand");
        event.put("campaign_id", order.get("campaign_id"));
        event.put("number_assignment_order_id", order.get("id"));
        if (assignment != null) {
            event.put("number_assignment_id", assignment.get("id"));
            event.put("phone_number_id", assignment.get("phone_number_id"));
            event.put("phone_number", assignment.get("phone_number"));
            if (assignment.get("failure_reason") != null) {
                event.put("failure_reason", assignment.get("failure_reason"));
            }
        }
        return event;
    }

    private void callback(String url, Map<String, Object> event) {
        if (url == null || url.isBlank()) {
            return;
        }
        try {
            byte[] body = JSON.writeValueAsBytes(event);
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .header("X-SignalWire-Signature", SignalWireSignature.jsonSignature(signingKey, url, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, Object> delivered = new LinkedHashMap<>(event);
            delivered.put("_url", url);
            delivered.put("_status", response.statusCode());
            deliveredCallbacks.add(delivered);
        } catch (IOException e) {
            // SignalWire gives up too; the client's polling is the fallback
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Answer order(String orderId) {
        Map<String, Object> order = orders.get(orderId);
        return order == null ? notFound() : new Answer(200, order);
    }

    Answer campaignNumbers(String campaignId) {
        List<Map<String, Object>> data = assignments.values().stream().filter(a -> campaignId.equals(a.get("campaign_id")))
                .sorted((a, b) -> String.valueOf(a.get("created_at")).compareTo(String.valueOf(b.get("created_at")))).toList();
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", "/api/relay/rest/registry/beta/campaigns/" + campaignId + "/numbers");
        links.put("first", links.get("self"));
        links.put("next", null);
        links.put("prev", null);
        return new Answer(200, Map.of("links", links, "data", data));
    }

    Answer deleteAssignment(String assignmentId) {
        return assignments.remove(assignmentId) == null ? notFound() : new Answer(204, null);
    }

    private static Answer notFound() {
        return new Answer(404, Map.of("error", "Not Found"));
    }

    private static Answer unprocessable(String field, String detail) {
        return new Answer(422, Map.of("errors", List.of(Map.of("type", "validation_error", "code", "invalid_parameter",
                "message", detail, "attribute", field, "detail", detail, "status", 422, "title", "Unprocessable Entity"))));
    }

    /** An answer to give: status and JSON body (none for 204). */
    record Answer(int status, Object body) {
    }
}
