package ai.galaxyco.phone.routing.api;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.messaging.AssignmentTable;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.routing.api.ConversationsResource.ConversationView;
import ai.galaxyco.phone.routing.domain.CallLog;
import io.quarkus.security.Authenticated;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A workspace's inboxes (one per number label: the department's view) and everything one contact said to it across
 * inboxes, so a contact who wrote to Sales and to Support is seen as one person with two threads.
 */
@Path("/api/workspaces/{workspaceId}")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class InboxesResource {

    /** {@code unheardVoicemails} and {@code missedCalls} (not yet marked heard) count beside the unread conversations. */
    public record InboxView(String label, List<String> phoneNumbers, long conversations, long unread, long unheardVoicemails,
            long missedCalls) {
    }

    /** The contact's conversations (paged as everywhere) and, on the first page, their most recent calls. */
    public record ContactView(List<ConversationView> items, String nextCursor, List<CallsResource.CallView> calls) {
    }

    /** How many of a contact's calls the contact view shows. */
    private static final int CONTACT_CALLS = 20;

    private final WorkspaceAccess access;
    private final AssignmentTable assignments;
    private final EntityManager em;

    private final CallLog calls;

    public InboxesResource(WorkspaceAccess access, AssignmentTable assignments, EntityManager em, CallLog calls) {
        this.access = access;
        this.calls = calls;
        this.assignments = assignments;
        this.em = em;
    }

    /**
     * Every inbox: those of the workspace's numbers now (the shared number's is Main) and those that still hold
     * conversations of a number since released, ordered by label. A workspace has a handful, so one page holds all.
     */
    @GET
    @Path("/inboxes")
    @Transactional
    public Page<InboxView> inboxes(@PathParam("workspaceId") String workspaceId) {
        access.require(workspaceId);
        Map<String, String> labels = new LinkedHashMap<>(); // lower-case key -> label as written
        Map<String, List<String>> numbers = new LinkedHashMap<>();
        for (AssignmentTable.Assignment assigned : assignments.ofWorkspace(workspaceId)) {
            String key = assigned.label().toLowerCase(Locale.ROOT);
            labels.putIfAbsent(key, assigned.label());
            numbers.computeIfAbsent(key, k -> new ArrayList<>()).add(assigned.e164());
        }
        Map<String, long[]> counts = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> counted = em.createNativeQuery("select min(inbox), count(*), count(*) filter (where last_inbound_at is not null "
                + "and (last_read_at is null or last_inbound_at > last_read_at)) from conversation where workspace_id = ?1 "
                + "group by lower(inbox)").setParameter(1, workspaceId).getResultList();
        for (Object[] row : counted) {
            String key = ((String) row[0]).toLowerCase(Locale.ROOT);
            labels.putIfAbsent(key, (String) row[0]);
            counts.put(key, new long[] {((Number) row[1]).longValue(), ((Number) row[2]).longValue()});
        }
        Map<String, CallLog.Unheard> unheard = calls.unheardByInbox(workspaceId);
        unheard.forEach((key, calls) -> labels.putIfAbsent(key, calls.inbox()));
        CallLog.Unheard none = new CallLog.Unheard(null, 0, 0);
        List<InboxView> items = labels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new InboxView(e.getValue(), numbers.getOrDefault(e.getKey(), List.of()),
                        counts.getOrDefault(e.getKey(), new long[2])[0], counts.getOrDefault(e.getKey(), new long[2])[1],
                        unheard.getOrDefault(e.getKey(), none).voicemails(), unheard.getOrDefault(e.getKey(), none).missedCalls()))
                .toList();
        return new Page<>(items, null);
    }

    /**
     * One contact's conversations with the workspace in every inbox and channel, most recently active first, and with
     * the first page the contact's latest calls (newest first; all of them page by page at {@code /calls}).
     */
    @GET
    @Path("/contacts/{contact}/conversations")
    @Transactional
    public ContactView ofContact(@PathParam("workspaceId") String workspaceId, @PathParam("contact") String contact,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.require(workspaceId);
        PageRequest page = PageRequest.of(limit, cursor, 2);
        String e164;
        try {
            e164 = PhoneNumber.parse(contact).e164();
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "invalid_phone_number", "the contact is an E.164 number such as +14155550100");
        }
        Page<ConversationView> conversations = ConversationsResource.recentFirst("workspaceId = :workspace and contact = :contact",
                Map.of("workspace", workspaceId, "contact", e164), page);
        List<CallsResource.CallView> recentCalls = !page.first() ? List.of()
                : calls.page(new CallLog.Filter(workspaceId, null, null, e164), CONTACT_CALLS, null, null).stream()
                        .map(CallsResource.CallView::of).toList();
        return new ContactView(conversations.items(), conversations.nextCursor(), recentCalls);
    }
}
