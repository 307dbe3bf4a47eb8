package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.values.MessagingState;
import ai.galaxyco.phone.model.values.PhoneNumber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hibernate.Session;

/**
 * A service's copy of the compacted number-assignments topic: who owns which number, under which label, and which
 * assignments are to the shared platform number ({@link NumberAssignment#shared()}, the one source of truth for it:
 * no service reads the shared number from its own configuration). One row per record key; a tombstone deletes it.
 * The table {@code number_assignment} (assignment_key, e164, workspace_id, label, shared, provider_sid, forward_to,
 * updated_at, messaging) is created by each consuming service's own migrations, since each owns its schema. The webhook gateway
 * keeps the same view in memory (it has no database) and reads {@code shared} the same way.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class AssignmentTable {

    /** One assignment as stored; {@code messaging} is the number's {@link MessagingState} name, null when unknown. */
    public record Assignment(String e164, String workspaceId, String label, boolean shared, String forwardTo, String messaging) {

        /** Whether messages may leave from the number now (see {@link NumberAssignment#sendable()}). */
        public boolean sendable() {
            return MessagingState.allowsSending(messaging);
        }
    }

    private final EntityManager em;
    private final Clock clock;

    public AssignmentTable(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    /** Applies one record of the topic: an assignment, or (null) the tombstone of {@code key}. */
    public void apply(String key, NumberAssignment assignment) {
        if (assignment == null) {
            em.createNativeQuery("delete from number_assignment where assignment_key = ?1").setParameter(1, key).executeUpdate();
            return;
        }
        em.createNativeQuery("insert into number_assignment (assignment_key, e164, workspace_id, label, shared, provider_sid, "
                + "forward_to, updated_at, messaging) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) on conflict (assignment_key) do update set "
                + "e164 = excluded.e164, workspace_id = excluded.workspace_id, label = excluded.label, shared = excluded.shared, "
                + "provider_sid = excluded.provider_sid, forward_to = excluded.forward_to, updated_at = excluded.updated_at, "
                + "messaging = excluded.messaging")
                .setParameter(1, key).setParameter(2, assignment.phoneNumber().e164())
                .setParameter(3, assignment.workspaceId().value()).setParameter(4, assignment.label())
                .setParameter(5, assignment.shared()).setParameter(6, assignment.providerSid())
                .setParameter(7, assignment.forwardTo() == null ? null : assignment.forwardTo().e164())
                .setParameter(8, Timestamp.from(assignment.assignedAt() == null ? clock.instant() : assignment.assignedAt()))
                .setParameter(9, assignment.messaging() == null ? null : assignment.messaging().name())
                .executeUpdate();
    }

    /**
     * Marks a dedicated number as waiting for registration before provisioning says so (SignalWire just refused a
     * message from it); provisioning's next assignment of the number overwrites it. True if it was sendable before.
     */
    public boolean markAwaitingRegistration(PhoneNumber number) {
        return em.createNativeQuery("update number_assignment set messaging = ?2 where assignment_key = ?1 and not shared "
                + "and " + MessagingState.sqlAllowsSending("messaging"))
                .setParameter(1, number.e164()).setParameter(2, MessagingState.PENDING_REGISTRATION.name()).executeUpdate() > 0;
    }

    /** The shared platform number, if any workspace is assigned to it. */
    public Optional<String> sharedNumber() {
        @SuppressWarnings("unchecked")
        List<String> rows = em.createNativeQuery("select e164 from number_assignment where shared limit 1").getResultList();
        return rows.stream().findFirst();
    }

    /** The workspace that owns {@code number} as a dedicated number. */
    public Optional<Assignment> dedicatedOwner(PhoneNumber number) {
        return rows("select e164, workspace_id, label, shared, forward_to, messaging from number_assignment where assignment_key = ?1 "
                + "and not shared", number.e164()).stream().findFirst();
    }

    /**
     * {@link #dedicatedOwner} of many numbers in one query, by E.164; on the transaction's connection directly, so that
     * a poll's query does not make Hibernate flush-check what the poll has stored so far.
     */
    public Map<String, Assignment> dedicatedOwners(Collection<String> e164s) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            Map<String, Assignment> owners = new HashMap<>();
            try (PreparedStatement query = c.prepareStatement("select e164, workspace_id, label, shared, forward_to, messaging "
                    + "from number_assignment where assignment_key = any(?) and not shared")) {
                query.setArray(1, c.createArrayOf("text", e164s.stream().distinct().toArray(String[]::new)));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        owners.put(rows.getString(1), new Assignment(rows.getString(1), rows.getString(2), rows.getString(3),
                                rows.getBoolean(4), rows.getString(5), rows.getString(6)));
                    }
                }
            }
            return owners;
        });
    }

    /** Whether {@code number} is the shared platform number (some workspace is assigned to it as shared). */
    public boolean isShared(PhoneNumber number) {
        return !em.createNativeQuery("select 1 from number_assignment where e164 = ?1 and shared limit 1")
                .setParameter(1, number.e164()).getResultList().isEmpty();
    }

    /** The numbers a workspace holds: its dedicated ones by label, then the shared one if it uses it. */
    public List<Assignment> ofWorkspace(String workspaceId) {
        return rows("select e164, workspace_id, label, shared, forward_to, messaging from number_assignment where workspace_id = ?1 "
                + "order by shared, label, e164", workspaceId);
    }

    private List<Assignment> rows(String sql, String parameter) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(sql).setParameter(1, parameter).getResultList();
        return rows.stream().map(r -> new Assignment((String) r[0], (String) r[1], (String) r[2], (Boolean) r[3], (String) r[4],
                (String) r[5])).toList();
    }
}
