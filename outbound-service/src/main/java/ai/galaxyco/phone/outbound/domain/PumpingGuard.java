package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * SMS pumping: a workspace (or whoever took over its account) sends to many numbers it never had anything to do with,
 * all in one range, whose carrier pays the fraudster per message. A send to a new recipient (one who never wrote to the
 * workspace and was not written to before the window) in a range that already had PUMPING_MAX_NEW_RECIPIENTS new
 * recipients from the workspace within PUMPING_WINDOW is held for an operator's review (held_for_review), not sent;
 * replies, known contacts and other ranges flow on. Called under the workspace's allowance lock, so a concurrent burst
 * is counted as one.
 */
@ApplicationScoped
public class PumpingGuard {

    /** The held reason of a message waiting for an operator's review. */
    public static final String HELD_FOR_REVIEW = "held_for_review";

    /** What the guard decided about one send, stored with the message. */
    public record Verdict(String range, boolean newRecipient, boolean hold) {
    }

    private final EntityManager em;
    private final OutboundConfig.Pumping config;
    private final MeterRegistry registry;

    public PumpingGuard(EntityManager em, OutboundConfig config, MeterRegistry registry) {
        this.em = em;
        this.config = config.pumping();
        this.registry = registry;
    }

    public Verdict judge(String workspaceId, PhoneNumber to, Instant now) {
        String range = rangeOf(to);
        Instant windowStart = now.minus(config.window());
        // known: wrote to the workspace, or was written to before the window, or within it by a message the guard let through
        boolean known = ((Number) em.createNativeQuery("select (select count(*) from contact_last_number where workspace_id = ?1 "
                + "and contact = ?2) + (select count(*) from (select 1 from message where workspace_id = ?1 and to_number = ?2 "
                + "and (created_at < ?3 or held_reason is distinct from ?4) "
                + "and error_code is distinct from ?5 limit 1) earlier)")
                .setParameter(1, workspaceId).setParameter(2, to.e164()).setParameter(3, Timestamp.from(windowStart))
                .setParameter(4, HELD_FOR_REVIEW).setParameter(5, HELD_FOR_REVIEW + "_rejected")
                .getSingleResult()).longValue() > 0;
        if (known) {
            return new Verdict(range, false, false);
        }
        long others = ((Number) em.createNativeQuery("select count(distinct to_number) from message where workspace_id = ?1 "
                + "and recipient_range = ?2 and new_recipient and created_at >= ?3 and to_number <> ?4")
                .setParameter(1, workspaceId).setParameter(2, range).setParameter(3, Timestamp.from(windowStart))
                .setParameter(4, to.e164()).getSingleResult()).longValue();
        boolean hold = others >= config.maxNewRecipients();
        if (hold) {
            registry.counter("outbound.held", "reason", HELD_FOR_REVIEW).increment();
        }
        return new Verdict(range, true, hold);
    }

    /** Which held messages an operator acts on: a workspace's (in one range, if given), or the messages named. */
    public record Selection(String workspaceId, String range, List<UUID> messageIds) {
    }

    /** The held messages selected, oldest first, locked. */
    @SuppressWarnings("unchecked")
    public List<OutboundMessage> held(Selection selection) {
        StringBuilder sql = new StringBuilder("select * from message where status = 'QUEUED' and held_reason = :review");
        if (selection.workspaceId() != null) {
            sql.append(" and workspace_id = :workspace");
        }
        if (selection.range() != null) {
            sql.append(" and recipient_range = :range");
        }
        if (selection.messageIds() != null) {
            sql.append(" and id in (:ids)");
        }
        var query = em.createNativeQuery(sql.append(" order by created_at, id for update").toString(), OutboundMessage.class)
                .setParameter("review", HELD_FOR_REVIEW);
        if (selection.workspaceId() != null) {
            query.setParameter("workspace", selection.workspaceId());
        }
        if (selection.range() != null) {
            query.setParameter("range", selection.range());
        }
        if (selection.messageIds() != null) {
            query.setParameter("ids", selection.messageIds());
        }
        return query.getResultList();
    }

    /** The operator found them legitimate: they are sent, in their turn. Returns them. */
    public List<OutboundMessage> release(Selection selection, Instant now) {
        List<OutboundMessage> held = held(selection);
        for (OutboundMessage m : held) {
            m.heldReason = null;
            m.nextAttemptAt = now;
            m.updatedAt = now;
        }
        registry.counter("outbound.review", "outcome", "released").increment(held.size());
        return held;
    }

    /** The operator found them fraudulent: they fail (held_for_review_rejected) and are never sent. Returns them. */
    public List<OutboundMessage> reject(Selection selection, Instant now, ResultPublisher results) {
        List<OutboundMessage> held = held(selection);
        for (OutboundMessage m : held) {
            m.status = ai.galaxyco.phone.model.values.MessageStatus.FAILED;
            m.errorCode = HELD_FOR_REVIEW + "_rejected";
            m.errorMessage = "held for review as a possible SMS pumping burst, and rejected by an operator";
            m.heldReason = null;
            m.updatedAt = now;
            results.publish(m);
        }
        registry.counter("outbound.review", "outcome", "rejected").increment(held.size());
        return held;
    }

    /** The range a number belongs to: its first PUMPING_RANGE_DIGITS digits (country code included), e.g. 1415555. */
    String rangeOf(PhoneNumber number) {
        String digits = number.e164().substring(1);
        return digits.substring(0, Math.min(digits.length(), config.rangeDigits()));
    }
}
