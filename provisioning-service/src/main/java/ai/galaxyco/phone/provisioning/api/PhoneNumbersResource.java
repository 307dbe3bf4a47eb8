package ai.galaxyco.phone.provisioning.api;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.kit.signalwire.ProviderErrors;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.model.values.DestinationPolicy;
import ai.galaxyco.phone.model.values.NumberLabel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import ai.galaxyco.phone.provisioning.domain.AssignmentEvents;
import ai.galaxyco.phone.provisioning.domain.ForwardingDestinations;
import ai.galaxyco.phone.provisioning.domain.LifecycleService;
import ai.galaxyco.phone.provisioning.domain.NumberSlot;
import ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord;
import ai.galaxyco.phone.provisioning.domain.Workspace;
import io.quarkus.security.Authenticated;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The public numbers API the product's front end is built against: a workspace's numbers (its dedicated ones, or
 * the shared platform number for Starter), the manual "Get phone number", relabelling and call forwarding, and
 * release. Purchases and releases themselves run in {@code ProvisioningWorker}; this only records what is wanted.
 */
@Path("/api/workspaces/{workspaceId}/phone-numbers")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class PhoneNumbersResource {

    /**
     * One number, or a slot whose purchase is pending or failed ({@code phoneNumber} null). {@code messaging}: whether
     * carriers take the number's messages yet (null for the shared number, registered by hand, and for pending slots).
     */
    public record NumberView(String phoneNumber, String status, boolean dedicated, String label, String inbox,
            String forwardTo, String failureReason, Instant provisionedAt, Instant releaseAfter, Messaging messaging,
            String voicemailGreeting) {
    }

    /** A dedicated number's messaging state (UNREGISTERED, PENDING_REGISTRATION, VERIFICATION_PENDING, SENDABLE) and why. */
    public record Messaging(String state, String reason, Instant since) {
    }

    public record NumbersPage(List<NumberView> items, String plan, int maxNumbers, String nextCursor) {
    }

    public record AddNumber(String label, String areaCode) {
    }

    /**
     * Absent members are left as they are; {@code "forwardTo": null} turns forwarding off; {@code voicemailGreeting} (at
     * most 500 characters, spoken to callers before the tone) null brings back the default sentence.
     */
    public record NumberChange(String label, String forwardTo, String voicemailGreeting) {
    }

    /** The longest voicemail greeting: about half a minute spoken. */
    static final int GREETING_MAX_LENGTH = 500;

    private static final Pattern AREA_CODE = Pattern.compile("[2-9][0-9]{2}");

    private final WorkspaceAccess access;
    private final AssignmentEvents events;
    private final LifecycleService lifecycle;
    private final ProvisioningConfig config;
    private final ForwardingDestinations forwardingDestinations;
    private final AuditTrail audit;
    private final Clock clock;

    public PhoneNumbersResource(WorkspaceAccess access, AssignmentEvents events, LifecycleService lifecycle,
            ProvisioningConfig config, ForwardingDestinations forwardingDestinations, AuditTrail audit, Clock clock) {
        this.access = access;
        this.audit = audit;
        this.events = events;
        this.lifecycle = lifecycle;
        this.config = config;
        this.forwardingDestinations = forwardingDestinations;
        this.clock = clock;
    }

    /**
     * The workspace's numbers, newest first: on the first page a slot whose purchase is pending or failed, and the
     * shared number while the workspace uses it; then its dedicated numbers including released ones.
     */
    @GET
    @Transactional
    public NumbersPage list(@PathParam("workspaceId") String workspaceId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        access.require(workspaceId);
        PageRequest page = PageRequest.of(limit, cursor, 1);
        Workspace workspace = existing(workspaceId, LockModeType.NONE);
        List<NumberView> items = new ArrayList<>();
        if (page.first()) {
            NumberSlot.<NumberSlot>list("workspaceId = ?1 and status in ?2 order by id", workspaceId,
                    List.of(NumberSlot.Status.PROVISIONING, NumberSlot.Status.FAILED)).forEach(slot -> items.add(pendingSlot(slot)));
            if (workspace.onSharedNumber || !workspace.plan.hasDedicatedNumber()) {
                events.sharedNumber().ifPresent(shared -> items.add(new NumberView(shared.e164(), "ACTIVE", false,
                        NumberLabel.MAIN.value(), NumberLabel.MAIN.value(), null, null, null, null, null, null)));
            }
        }
        int room = page.limit() - items.size();
        List<PhoneNumberRecord> rows = page.first()
                ? PhoneNumberRecord.<PhoneNumberRecord>find("workspaceId = ?1 order by id desc", workspaceId).page(0, room + 1).list()
                : PhoneNumberRecord.<PhoneNumberRecord>find("workspaceId = ?1 and id < ?2 order by id desc", workspaceId,
                        page.longKey(0)).page(0, room + 1).list();
        boolean more = rows.size() > room;
        List<PhoneNumberRecord> shown = more ? rows.subList(0, room) : rows;
        shown.forEach(n -> items.add(view(n)));
        String next = more ? PageRequest.encode(List.of(shown.get(shown.size() - 1).id.toString())) : null;
        return new NumbersPage(items, workspace.plan.name(), maxNumbers(workspace.plan), next);
    }

    /**
     * Adds a number slot (Enterprise, up to ENTERPRISE_MAX_NUMBERS), or is the manual "Get phone number" for a slot
     * whose purchase failed (retried now, with the area code if given, rather than adding one).
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @APIResponse(responseCode = "202", description = "the slot, whose purchase is under way",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = NumberView.class)))
    public Response add(@PathParam("workspaceId") String workspaceId, AddNumber request) {
        access.requireAdmin(workspaceId);
        NumberLabel label = label(request == null ? null : request.label(), NumberLabel.MAIN);
        String areaCode = request == null ? null : request.areaCode();
        if (areaCode != null && !AREA_CODE.matcher(areaCode).matches()) {
            throw new ProblemException(400, "invalid_area_code", "areaCode is a US area code of three digits, e.g. 212; got \""
                    + areaCode + "\"");
        }
        Workspace workspace = existing(workspaceId, LockModeType.PESSIMISTIC_WRITE);
        if (!workspace.plan.hasDedicatedNumber()) {
            throw new ProblemException(403, "plan_required", "a " + workspace.plan + " workspace uses the shared number; "
                    + "dedicated numbers come with the Pro and Enterprise plans");
        }
        Instant now = clock.instant();
        List<NumberSlot> slots = NumberSlot.currentOf(workspaceId);
        NumberSlot sameLabel = slots.stream().filter(slot -> label.sameAs(NumberLabel.parse(slot.label))).findFirst().orElse(null);
        if (sameLabel != null && sameLabel.status == NumberSlot.Status.FAILED) {
            // "Get phone number": the manual retry of the failed slot, never a second purchase beside it
            sameLabel.retryNow(now, areaCode);
            audit.record(workspaceId, "number.retry", sameLabel.label, Map.of("status", "FAILED"), areaCodeAfter("PROVISIONING", areaCode));
            return Response.accepted(pendingSlot(sameLabel)).build();
        }
        if (sameLabel != null) {
            throw new ProblemException(409, "label_taken", "workspace " + workspaceId + " already has a number labelled " + label);
        }
        int max = maxNumbers(workspace.plan);
        // a number in its release grace period is still ours, and could come back: it counts until it is released
        long held = slots.size() + PhoneNumberRecord.count("workspaceId = ?1 and status in ?2", workspaceId,
                List.of(PhoneNumberRecord.Status.RELEASE_PENDING, PhoneNumberRecord.Status.RELEASING));
        if (held >= max) {
            throw new ProblemException(409, "number_limit_reached", "workspace " + workspaceId + " (" + workspace.plan + ") holds "
                    + held + " of the " + max + " numbers its plan includes (numbers being released count until they are gone)");
        }
        requirePurchaseBudget(workspace, slots, now);
        NumberSlot slot = lifecycle.newSlot(workspace, label.value(), now);
        slot.preferredAreaCode = areaCode;
        audit.record(workspaceId, "number.add", slot.label, null, areaCodeAfter("PROVISIONING", areaCode));
        return Response.accepted(pendingSlot(slot)).build();
    }

    /** Relabels a number (its inbox moves with it) and sets where its calls are forwarded. */
    @PATCH
    @Path("/{e164}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public NumberView change(@PathParam("workspaceId") String workspaceId, @PathParam("e164") String e164,
            @RequestBody(content = @Content(schema = @Schema(implementation = NumberChange.class))) Map<String, Object> change) {
        access.requireAdmin(workspaceId);
        if (change == null || change.isEmpty()) {
            throw new ProblemException(400, "invalid_request", "send {\"label\": \"Support\"}, {\"forwardTo\": \"+1...\" | null} "
                    + "and/or {\"voicemailGreeting\": \"...\" | null}");
        }
        PhoneNumberRecord number = current(workspaceId, e164);
        Map<String, Object> before = settings(number);
        if (change.containsKey("label")) {
            NumberLabel label = label(change.get("label") instanceof String s ? s : null, null);
            boolean taken = NumberSlot.currentOf(workspaceId).stream()
                    .anyMatch(slot -> !number.id.equals(slot.phoneNumberId) && label.sameAs(NumberLabel.parse(slot.label)));
            if (taken) {
                throw new ProblemException(409, "label_taken", "workspace " + workspaceId + " already has a number labelled " + label);
            }
            NumberSlot.holding(number.id).ifPresent(slot -> slot.label = label.value()); // the slot keeps its number's label
            number.label = label.value();
        }
        if (change.containsKey("forwardTo")) {
            Object forwardTo = change.get("forwardTo");
            if (forwardTo != null && !(forwardTo instanceof String)) {
                throw new ProblemException(400, "invalid_forward_to", "forwardTo is an E.164 number such as +12125550100, or null");
            }
            number.forwardTo = forwardTo == null ? null : forwardNumber((String) forwardTo, number);
        }
        if (change.containsKey("voicemailGreeting")) {
            number.voicemailGreeting = greeting(change.get("voicemailGreeting"));
        }
        if (number.status == PhoneNumberRecord.Status.ACTIVE) {
            events.assignDedicated(number); // routing and the gateway learn the new label and forwarding from the assignment
        }
        audit.record(workspaceId, "number.change", number.e164, before, settings(number));
        return view(number);
    }

    /**
     * Releases a number now, without a grace period (its owner asked): an extra number, or one already on its way out
     * (a downgraded workspace's number in its grace period). The only number of a Pro or Enterprise workspace stays.
     */
    @DELETE
    @Path("/{e164}")
    @Transactional
    @APIResponse(responseCode = "202", description = "the release is under way",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = NumberView.class)))
    public Response release(@PathParam("workspaceId") String workspaceId, @PathParam("e164") String e164) {
        access.requireAdmin(workspaceId);
        Workspace workspace = existing(workspaceId, LockModeType.PESSIMISTIC_WRITE);
        PhoneNumberRecord number = current(workspaceId, e164);
        Instant now = clock.instant();
        if (number.status == PhoneNumberRecord.Status.ACTIVE) {
            NumberSlot slot = NumberSlot.holding(number.id).orElse(null);
            if (slot != null && slot.isMain() && workspace.plan.hasDedicatedNumber()) {
                throw new ProblemException(409, "last_number", number.e164 + " is the Main number of " + workspace.plan
                        + " workspace " + workspaceId + "; a paid workspace keeps it (downgrading to Starter gives it up)");
            }
            if (slot != null) {
                lifecycle.giveUp(slot, now); // the number enters the release worker's queue
            } else {
                number.status = PhoneNumberRecord.Status.RELEASE_PENDING;
                events.unassignDedicated(number);
            }
        }
        if (number.status != PhoneNumberRecord.Status.RELEASING) {
            number.releaseAfter = now; // no grace period: its owner asked; the release worker's next round gives it back
        }
        audit.record(workspaceId, "number.release", number.e164, settings(number), Map.of("status", number.status.name()));
        return Response.accepted(view(number)).build();
    }

    private Workspace existing(String workspaceId, LockModeType lock) {
        Workspace workspace = Workspace.findById(workspaceId, lock);
        if (workspace == null || workspace.deleted) {
            throw new ProblemException(404, "not_found", "no workspace " + workspaceId);
        }
        return workspace;
    }

    /** A number of the workspace that is not released, locked for the change. */
    private PhoneNumberRecord current(String workspaceId, String e164) {
        String normalized;
        try {
            normalized = PhoneNumber.parse(e164).e164();
        } catch (IllegalArgumentException e) {
            throw new ProblemException(404, "not_found", "no number " + e164 + " in workspace " + workspaceId);
        }
        return PhoneNumberRecord.<PhoneNumberRecord>find("workspaceId = ?1 and e164 = ?2 and status <> ?3", workspaceId,
                normalized, PhoneNumberRecord.Status.RELEASED).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional()
                .orElseThrow(() -> new ProblemException(404, "not_found", "no number " + e164 + " in workspace " + workspaceId));
    }

    private static NumberLabel label(String raw, NumberLabel absent) {
        if (raw == null && absent != null) {
            return absent;
        }
        try {
            return NumberLabel.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "invalid_label", e.getMessage());
        }
    }

    /**
     * Where a number's calls may go: a valid number of the allowed countries (the workspace's, if an operator set them),
     * of no premium-rate-like type, and none
     * of the numbers this deployment holds or shares (two of them forwarding to each other is a loop we pay for by
     * the minute). The gateway checks the last again when the call comes in, for numbers bought after this.
     */
    private String forwardNumber(String raw, PhoneNumberRecord number) {
        PhoneNumber forwardTo;
        try {
            forwardTo = PhoneNumber.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "invalid_forward_to", "forwardTo is an E.164 number such as +12125550100: " + e.getMessage());
        }
        if (forwardTo.e164().equals(number.e164)) {
            throw new ProblemException(400, "invalid_forward_to", "a number cannot forward its calls to itself");
        }
        var refusal = forwardingDestinations.of(number.workspaceId).policy().refusalOf(forwardTo).orElse(null);
        if (refusal != null) {
            throw refusal.reason() == DestinationPolicy.Reason.INVALID
                    ? new ProblemException(400, "invalid_forward_to", "forwardTo: " + refusal.detail())
                    : new ProblemException(422, refusal.reason().code(), "calls cannot be forwarded there: " + refusal.detail());
        }
        boolean ours = events.sharedNumber().filter(forwardTo::equals).isPresent()
                || PhoneNumberRecord.count("e164 = ?1 and status <> ?2", forwardTo.e164(), PhoneNumberRecord.Status.RELEASED) > 0;
        if (ours) {
            throw new ProblemException(422, "forward_loop", forwardTo + " is a number of this platform; forwarding calls to it "
                    + "would bring them back here (a loop billed by the minute). Forward to a phone outside the platform");
        }
        return forwardTo.e164();
    }

    /** A greeting as given (trimmed; blank or null: the default), or a 400 saying what a greeting may be. */
    static String greeting(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new ProblemException(400, "invalid_voicemail_greeting", "voicemailGreeting is text, or null for the default");
        }
        String greeting = text.strip();
        if (greeting.length() > GREETING_MAX_LENGTH) {
            throw new ProblemException(400, "invalid_voicemail_greeting", "voicemailGreeting is at most " + GREETING_MAX_LENGTH
                    + " characters, got " + greeting.length());
        }
        if (greeting.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw new ProblemException(400, "invalid_voicemail_greeting", "voicemailGreeting may not contain control characters");
        }
        return greeting.isEmpty() ? null : greeting;
    }

    /** What the audit trail records of a number's settings: its label, where its calls go and what callers hear. */
    private static Map<String, Object> settings(PhoneNumberRecord number) {
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("label", number.label);
        settings.put("forwardTo", number.forwardTo);
        settings.put("voicemailGreeting", number.voicemailGreeting);
        return settings;
    }

    private static Map<String, Object> areaCodeAfter(String status, String areaCode) {
        Map<String, Object> after = new java.util.LinkedHashMap<>();
        after.put("status", status);
        after.put("areaCode", areaCode);
        return after;
    }

    /** Purchases this calendar month (numbers bought, and slots still waiting for theirs) stay within the monthly budget. */
    private void requirePurchaseBudget(Workspace workspace, List<NumberSlot> slots, Instant now) {
        ZonedDateTime monthStart = now.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC);
        long purchases = PhoneNumberRecord.count("workspaceId = ?1 and purchasedAt >= ?2", workspace.id, monthStart.toInstant())
                + slots.stream().filter(slot -> slot.waiting() && slot.phoneNumberId == null).count();
        int budget = config.numberPurchasesPerMonth().orElse(2 * maxNumbers(workspace.plan));
        if (purchases >= budget) {
            Instant resets = monthStart.plusMonths(1).toInstant();
            throw new ProblemException(429, "purchase_budget_exhausted", "workspace " + workspace.id + " has bought (or is buying) "
                    + purchases + " numbers this month, its budget; adding another is possible again from " + resets,
                    Map.of("Retry-After", String.valueOf(Math.max(1, Duration.between(now, resets).toSeconds()))));
        }
    }

    private int maxNumbers(Plan plan) {
        return switch (plan) {
            case STARTER -> 0;
            case PRO -> 1;
            case ENTERPRISE -> config.enterpriseMaxNumbers();
        };
    }

    /** A slot whose purchase is pending or failed: no number yet. Tenants read the provider's refusal in plain words. */
    private NumberView pendingSlot(NumberSlot slot) {
        String reason = slot.status != NumberSlot.Status.FAILED ? null
                : access.isServiceCaller() || slot.lastErrorCode == null ? slot.lastError : ProviderErrors.describe(slot.lastErrorCode);
        return new NumberView(null, slot.status.name(), true, slot.label, slot.label, null, reason, null, null, null, null);
    }

    private static NumberView view(PhoneNumberRecord n) {
        String status = switch (n.status) {
            case ACTIVE -> "ACTIVE";
            // in its grace period, or quarantined: on its way out, still reclaimable until the release call starts
            case RELEASE_PENDING, ORPHANED, RELEASING -> "RELEASING";
            case RELEASED -> "RELEASED";
        };
        return new NumberView(n.e164, status, true, n.label, n.label, n.forwardTo, null, n.purchasedAt,
                n.status == PhoneNumberRecord.Status.RELEASED ? null : n.releaseAfter,
                new Messaging(n.messagingState.name(), n.messagingReason, n.messagingChangedAt != null ? n.messagingChangedAt : n.purchasedAt),
                n.voicemailGreeting);
    }
}
