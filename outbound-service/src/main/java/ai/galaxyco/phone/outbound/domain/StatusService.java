package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.domain.AdvisoryLock;
import ai.galaxyco.phone.model.events.MessageStatusChanged;
import ai.galaxyco.phone.model.values.MessageStatus;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;

/**
 * Applies SignalWire's status callbacks. Every report is kept; one that arrives before the send's answer
 * was recorded waits and is applied when the sid is known. A status never moves backwards.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class StatusService {

    static final String OPTED_OUT = "21610";

    private final EntityManager em;
    private final SenderDirectory senders;
    private final ResultPublisher results;
    private final Clock clock;
    private final MeterRegistry registry;
    private final RegistrationRequests registrations;

    public StatusService(EntityManager em, SenderDirectory senders, ResultPublisher results, Clock clock, MeterRegistry registry,
            RegistrationRequests registrations) {
        this.registrations = registrations;
        this.em = em;
        this.senders = senders;
        this.results = results;
        this.clock = clock;
        this.registry = registry;
    }

    /**
     * Serialises everything done for one provider sid: a status report and the dispatcher's commit of that sid both
     * take this lock first, so whichever commits second sees the other's row (under READ COMMITTED, without it, each
     * could miss the other and the report would wait forever).
     */
    public void lockSid(String providerSid) {
        AdvisoryLock.PROVIDER_SID.lockForTransaction(em, providerSid);
    }

    /** Applies reports that wait for a sid which has become known meanwhile; returns how many messages moved. */
    public int applyParkedReports() {
        @SuppressWarnings("unchecked")
        List<String> sids = em.createNativeQuery("select distinct r.provider_sid from status_report r where not r.applied "
                + "and exists (select 1 from message m where m.provider_sid = r.provider_sid) limit 500").getResultList();
        for (String sid : sids) {
            lockSid(sid);
            OutboundMessage message = OutboundMessage.find("providerSid", sid).firstResult();
            if (message != null) {
                applyPending(message);
            }
        }
        if (!sids.isEmpty()) {
            registry.counter("outbound.status.swept").increment(sids.size());
        }
        return sids.size();
    }

    public void report(MessageStatusChanged report) {
        lockSid(report.messageSid());
        em.createNativeQuery("insert into status_report (provider_sid, status, error_code, reported_at) values (?1, ?2, ?3, ?4)")
                .setParameter(1, report.messageSid()).setParameter(2, report.status()).setParameter(3, report.errorCode())
                .setParameter(4, Timestamp.from(report.reportedAt() != null ? report.reportedAt() : clock.instant()))
                .executeUpdate();
        OutboundMessage message = OutboundMessage.find("providerSid", report.messageSid()).firstResult();
        if (message != null) {
            applyPending(message);
        } else {
            registry.counter("outbound.status.early").increment();
        }
    }

    /** Applies every not-yet-applied report for the message's sid, in arrival order. */
    public void applyPending(OutboundMessage message) {
        @SuppressWarnings("unchecked")
        List<Object[]> pending = em.createNativeQuery("select id, status, error_code from status_report "
                + "where provider_sid = ?1 and not applied order by id").setParameter(1, message.providerSid).getResultList();
        boolean changed = false;
        for (Object[] row : pending) {
            changed |= apply(message, (String) row[1], (String) row[2]);
            em.createNativeQuery("update status_report set applied = true where id = ?1").setParameter(1, row[0]).executeUpdate();
        }
        if (changed) {
            results.publish(message);
        }
    }

    /** Moves the message forward if {@code providerStatus} is progress; returns whether it changed. */
    boolean apply(OutboundMessage message, String providerStatus, String errorCode) {
        MessageStatus next = MessageStatus.fromProvider(providerStatus);
        if (next == null || !message.status.canMoveTo(next)) {
            registry.counter("outbound.status.ignored").increment(); // late "sent" after "delivered", a repeat, ...
            return false;
        }
        message.status = next;
        message.providerStatus = providerStatus;
        message.updatedAt = clock.instant();
        if (errorCode != null && !errorCode.isBlank()) {
            message.errorCode = errorCode;
        }
        if (OPTED_OUT.equals(errorCode)) {
            senders.setOptOut(message.fromNumber, message.toNumber, true, "signalwire:21610");
        }
        if (Dispatcher.UNREGISTERED_SENDER.equals(errorCode)) {
            // accepted, then refused downstream: this message is lost to the carrier, the number must be registered
            registrations.request(message, "status callback " + providerStatus + " with error 21717");
        }
        registry.counter("outbound.status", "status", next.name(), "error_code", errorCode == null ? "none" : errorCode).increment();
        return true;
    }
}
