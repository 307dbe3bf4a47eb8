package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.messaging.AssignmentTable;
import ai.galaxyco.phone.model.events.ConsentChanged;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.MessagingState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;

/**
 * outbound's own view of who may send from which number, whose provisioning is where, and who opted out;
 * kept from the assignments, provisioning-results and consent-changes topics.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class SenderDirectory {

    /** A number a workspace may send from; {@code sendable} false: its messages wait for registration or verification. */
    public record Sender(String e164, String label, boolean shared, boolean sendable) {
    }

    /** What a held message's {@code held_reason} and, once the hold expires, its error code say. */
    public static final String AWAITING_REGISTRATION = "awaiting_registration";

    private final EntityManager em;
    private final AssignmentTable assignments;
    private final Clock clock;

    public SenderDirectory(EntityManager em, AssignmentTable assignments, Clock clock) {
        this.em = em;
        this.assignments = assignments;
        this.clock = clock;
    }

    public void applyAssignment(String key, NumberAssignment assignment) {
        assignments.apply(key, assignment);
        if (assignment != null && !assignment.shared()) {
            if (assignment.sendable()) {
                release(assignment.phoneNumber().e164());
            } else {
                hold(assignment.phoneNumber().e164());
            }
        }
    }

    /** The number may not send yet: its queued messages wait (QUEUED, held_reason awaiting_registration). */
    public int hold(String e164) {
        return em.createNativeQuery("update message set held_reason = ?2 where from_number = ?1 and status = 'QUEUED' "
                + "and held_reason is null").setParameter(1, e164).setParameter(2, AWAITING_REGISTRATION).executeUpdate();
    }

    /** The number may send: its held messages are due now, oldest first as ever. */
    private void release(String e164) {
        int released = em.createNativeQuery("update message set held_reason = null, next_attempt_at = ?3 where from_number = ?1 "
                + "and status = 'QUEUED' and held_reason = ?2").setParameter(1, e164).setParameter(2, AWAITING_REGISTRATION)
                .setParameter(3, Timestamp.from(clock.instant())).executeUpdate();
        if (released > 0) {
            io.quarkus.logging.Log.infof("%s may send now: %d held messages released", e164, released);
        }
    }

    /** SignalWire refused a message from {@code e164} as unregistered: hold it and its queue. True if it was sendable. */
    public boolean refusedAsUnregistered(String e164) {
        boolean changed = assignments.markAwaitingRegistration(ai.galaxyco.phone.model.values.PhoneNumber.parse(e164));
        hold(e164);
        return changed;
    }

    /** The dedicated assignment of {@code e164}, if it is one. */
    public Optional<AssignmentTable.Assignment> assignmentOf(String e164) {
        return assignments.dedicatedOwner(ai.galaxyco.phone.model.values.PhoneNumber.parse(e164));
    }

    /**
     * Whether {@code e164} may send, read under a share lock on its assignment: an assignment change waits for the
     * caller's transaction (so its release of held messages sees the message being stored), or the caller waits for
     * it and reads the new state. Without it a message stored as the number turned SENDABLE stayed held.
     */
    public boolean sendableLocked(String e164) {
        @SuppressWarnings("unchecked")
        List<String> states = em.createNativeQuery("select coalesce(messaging, 'SENDABLE') from number_assignment "
                + "where assignment_key = ?1 and not shared for share").setParameter(1, e164).getResultList();
        return states.isEmpty() || MessagingState.allowsSending(states.get(0));
    }

    /** Held messages whose number may send now (a safety net behind {@link #sendableLocked}); returns how many. */
    public int releaseSendable() {
        return em.createNativeQuery("update message set held_reason = null, next_attempt_at = ?2 where status = 'QUEUED' "
                + "and held_reason = ?1 and from_number in (select e164 from number_assignment a where not a.shared "
                + "and " + MessagingState.sqlAllowsSending("a.messaging") + ")")
                .setParameter(1, AWAITING_REGISTRATION).setParameter(2, Timestamp.from(clock.instant())).executeUpdate();
    }

    /** The shared platform number, as the assignments show it. */
    public Optional<String> sharedNumber() {
        return assignments.sharedNumber();
    }

    public void applyProvisioning(ProvisioningResult result) {
        String error = result.errorCode() == null ? null : result.errorCode() + ": " + result.errorMessage();
        // the plan picks the workspace's spend budgets (SpendBudgets)
        em.createNativeQuery("insert into workspace_provisioning (workspace_id, status, error, updated_at, plan) values (?1, ?2, ?3, ?4, cast(?5 as text)) "
                + "on conflict (workspace_id) do update set status = excluded.status, error = excluded.error, updated_at = excluded.updated_at, "
                + "plan = coalesce(excluded.plan, workspace_provisioning.plan) where workspace_provisioning.updated_at <= excluded.updated_at")
                .setParameter(1, result.workspaceId().value()).setParameter(2, result.status().name()).setParameter(3, error)
                .setParameter(4, Timestamp.from(result.occurredAt() != null ? result.occurredAt() : clock.instant()))
                .setParameter(5, result.plan() == null ? null : result.plan().name()).executeUpdate();
    }

    /**
     * Each contact wrote to {@code ourNumber}: replies leave from it (newest message wins, whatever the arrival order).
     * A poll's messages are one JDBC batch, run in order (a contact may be in it twice).
     */
    public void applyInbound(List<RoutedMessage> messages) {
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("insert into contact_last_number (workspace_id, contact, "
                    + "our_number, last_inbound_at) values (?, ?, ?, ?) on conflict (workspace_id, contact) do update set "
                    + "our_number = excluded.our_number, last_inbound_at = excluded.last_inbound_at "
                    + "where contact_last_number.last_inbound_at <= excluded.last_inbound_at")) {
                for (RoutedMessage message : messages) {
                    upsert.setString(1, message.workspaceId().value());
                    upsert.setString(2, message.contact().e164());
                    upsert.setString(3, message.ourNumber().e164());
                    upsert.setTimestamp(4, Timestamp.from(message.receivedAt() != null ? message.receivedAt() : clock.instant()));
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
        });
    }

    /** The number of the workspace {@code contact} last wrote to, if any. */
    public Optional<String> lastWrittenTo(String workspaceId, String contact) {
        @SuppressWarnings("unchecked")
        List<String> rows = em.createNativeQuery("select our_number from contact_last_number where workspace_id = ?1 and contact = ?2")
                .setParameter(1, workspaceId).setParameter(2, contact).getResultList();
        return rows.stream().findFirst();
    }

    public void applyConsent(ConsentChanged change) {
        if (change.kind() == ConsentChanged.Kind.HELP) {
            return;
        }
        setOptOut(change.ourNumber().e164(), change.contact().e164(), change.kind() == ConsentChanged.Kind.OPT_OUT,
                "keyword:" + ai.galaxyco.phone.model.values.MessageText.storable(change.keyword()));
    }

    public void setOptOut(String ourNumber, String contact, boolean optedOut, String source) {
        em.createNativeQuery("insert into opt_out (our_number, contact, opted_out, source, updated_at) values (?1, ?2, ?3, ?4, ?5) "
                + "on conflict (our_number, contact) do update set opted_out = excluded.opted_out, source = excluded.source, "
                + "updated_at = excluded.updated_at")
                .setParameter(1, ourNumber).setParameter(2, contact).setParameter(3, optedOut).setParameter(4, source)
                .setParameter(5, Timestamp.from(clock.instant())).executeUpdate();
    }

    /** The last consent change between our number and the contact (opted out or back in), if there was one. */
    public record OptOut(boolean optedOut, String source, Instant updatedAt) {
    }

    public Optional<OptOut> optOutOf(String ourNumber, String contact) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select opted_out, source, updated_at from opt_out where our_number = ?1 "
                + "and contact = ?2").setParameter(1, ourNumber).setParameter(2, contact).getResultList();
        return rows.stream().findFirst().map(r -> new OptOut((Boolean) r[0], (String) r[1], (Instant) r[2]));
    }

    public boolean isOptedOut(String ourNumber, String contact) {
        return !em.createNativeQuery("select 1 from opt_out where our_number = ?1 and contact = ?2 and opted_out")
                .setParameter(1, ourNumber).setParameter(2, contact).getResultList().isEmpty();
    }

    /** The workspace's numbers, dedicated ones first. */
    public List<Sender> sendersOf(String workspaceId) {
        return assignments.ofWorkspace(workspaceId).stream().map(a -> new Sender(a.e164(), a.label(), a.shared(), a.sendable()))
                .toList();
    }

    /** Why a workspace has no number to send from, in words an API caller can act on. */
    public String whyNoSender(String workspaceId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select status, error from workspace_provisioning where workspace_id = ?1")
                .setParameter(1, workspaceId).getResultList();
        if (rows.isEmpty()) {
            return "workspace " + workspaceId + " has no phone number (unknown workspace or not provisioned yet)";
        }
        String status = (String) rows.get(0)[0];
        return switch (status) {
            case "PROVISIONING" -> "the workspace's phone number is still being provisioned; try again shortly";
            // only the code travels to the tenant: the provider's text names our SignalWire project
            case "FAILED" -> "provisioning the workspace's phone number failed and will be retried: "
                    + ai.galaxyco.phone.kit.signalwire.ProviderErrors.describe(rows.get(0)[1] == null ? "unknown"
                            : String.valueOf(rows.get(0)[1]).split(":", 2)[0]);
            case "REMOVED" -> "the workspace was deleted";
            default -> "the workspace has no usable phone number (provisioning status " + status + ")";
        };
    }
}
