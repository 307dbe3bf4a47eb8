package ai.galaxyco.phone.kit.domain;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.messaging.TableRetention;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.api.Page;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who changed what: every change of a number, of a budget or policy, and every operator action is recorded in the
 * service that owns the change, in the caller's transaction (a change that rolls back leaves no record, a record
 * never exists without its change), with the caller as the token names it: its {@code sub} and role (an
 * organisation role, or {@code service} for a platform service token).
 */
@ApplicationScoped
public class AuditTrail {

    /**
     * One record, as the audit endpoints list it: {@code before} and {@code after} are the changed fields as JSON
     * objects (null: nothing before, or nothing after).
     */
    public record Entry(long id, String workspaceId, String actor, String actorRole, String action, String subject,
            JsonNode before, JsonNode after, Instant at) {
    }

    private final EntityManager em;
    private final WorkspaceAccess access;
    private final Clock clock;

    public AuditTrail(EntityManager em, WorkspaceAccess access, Clock clock) {
        this.em = em;
        this.access = access;
        this.clock = clock;
    }

    /**
     * @param workspaceId the workspace changed, or null for an operator action on the platform (a dead-letter replay)
     * @param action what was done, dotted ({@code number.relabel}, {@code budget.override}, {@code reconciliation.confirm})
     * @param subject what it was done to (a number, a pass id, a topic)
     * @param before the state before, as fields (null: nothing before)
     * @param after the state after (null: nothing after)
     */
    public void record(String workspaceId, String action, String subject, Map<String, ?> before, Map<String, ?> after) {
        insert(workspaceId, access.actor(), access.actorRole(), action, subject, before, after);
    }

    private void insert(String workspaceId, String actor, String role, String action, String subject, Map<String, ?> before,
            Map<String, ?> after) {
        em.createNativeQuery("insert into audit_event (workspace_id, actor, actor_role, action, subject, before_state, after_state, at) "
                + "values (?1, ?2, ?3, ?4, ?5, cast(?6 as jsonb), cast(?7 as jsonb), ?8)")
                .setParameter(1, workspaceId).setParameter(2, actor).setParameter(3, role)
                .setParameter(4, action).setParameter(5, subject).setParameter(6, before == null ? null : EventJson.write(before))
                .setParameter(7, after == null ? null : EventJson.write(after)).setParameter(8, Timestamp.from(clock.instant()))
                .executeUpdate();
    }

    /** {@link #record} for an action that ran its own transactions (a reconciliation pass, a replay): recorded once it is done. */
    public void recordDone(String workspaceId, String action, String subject, Map<String, ?> before, Map<String, ?> after) {
        String actor = access.actor();
        String role = access.actorRole();
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> insert(workspaceId, actor, role, action, subject, before,
                after));
    }

    /**
     * A page of records, newest first: one workspace's, or every one when {@code workspaceId} is null.
     *
     * @param before the keyset of the last record of the previous page (its time and id), or null for the first page
     */
    @SuppressWarnings("unchecked")
    List<Entry> newest(String workspaceId, Instant beforeAt, Long beforeId, int limit) {
        StringBuilder sql = new StringBuilder("select id, workspace_id, actor, actor_role, action, subject, cast(before_state as text), "
                + "cast(after_state as text), at from audit_event where true");
        if (workspaceId != null) {
            sql.append(" and workspace_id = :workspace");
        }
        if (beforeAt != null) {
            sql.append(" and (at, id) < (:at, :id)");
        }
        var query = em.createNativeQuery(sql.append(" order by at desc, id desc limit ").append(limit).toString());
        if (workspaceId != null) {
            query.setParameter("workspace", workspaceId);
        }
        if (beforeAt != null) {
            query.setParameter("at", Timestamp.from(beforeAt)).setParameter("id", beforeId);
        }
        return ((List<Object[]>) query.getResultList()).stream().map(row -> new Entry(((Number) row[0]).longValue(), (String) row[1],
                (String) row[2], (String) row[3], (String) row[4], (String) row[5], json(row[6]), json(row[7]),
                instant(row[8]))).toList();
    }

    /**
     * The page a list request asks for, newest first: {@code limit} and {@code cursor} as every list takes them.
     *
     * @param workspaceId one workspace's records, or null for every one
     */
    public Page<Entry> page(String workspaceId, Integer limit, String cursor) {
        PageRequest page = PageRequest.of(limit, cursor, 2);
        Instant beforeAt = null;
        Long beforeId = null;
        if (!page.first()) {
            try {
                beforeAt = Instant.parse(page.after().get(0));
                beforeId = Long.parseLong(page.after().get(1));
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new ProblemException(400, "invalid_cursor", "cursor is not one this list handed out");
            }
        }
        return page.page(newest(workspaceId, beforeAt, beforeId, page.fetch()),
                e -> List.of(e.at().toString(), String.valueOf(e.id())), e -> e);
    }

    private static JsonNode json(Object text) {
        return text == null ? null : EventJson.read((String) text, JsonNode.class);
    }

    private static Instant instant(Object value) {
        return value instanceof Timestamp t ? t.toInstant() : value instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) value;
    }

    /** AUDIT_RETENTION (default P400D): how long audit records are kept. */
    @Singleton
    public static class Retention extends TableRetention {

        public Retention(@ConfigProperty(name = "galaxyco.retention.audit", defaultValue = "P400D") Duration keptFor) {
            super("retention.audit", "audit records", keptFor, "audit_event", "at");
        }
    }
}
