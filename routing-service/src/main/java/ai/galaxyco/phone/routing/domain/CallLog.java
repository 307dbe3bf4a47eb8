package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The call log: one row per call in {@code call_log}, each event of the call filling in its part whatever order they
 * arrive in. Every column is set by one kind of event only and kept once set (or moved one way: the earliest start,
 * the highest status), so a repeated or late event changes nothing it should not and two consumers can write the
 * same row in any order. What the workspace sees of a call, its outcome, is derived by the table itself.
 */
@ApplicationScoped
public class CallLog {

    /** What the workspace sees of a call. */
    public enum Outcome {
        FORWARDED, VOICEMAIL, MISSED, IN_PROGRESS
    }

    /** A call as stored; {@code recordingUrl} stays on the server (see CallsResource#recording). */
    public record Call(long id, String callSid, String workspaceId, String from, String ourNumber, String label, String inbox,
            String direction, String status, Outcome outcome, Instant startedAt, Instant answeredAt, Instant endedAt,
            Integer durationSeconds, String forwardedTo, String recordingUrl, Integer recordingSeconds, String transcript,
            String transcriptStatus, Instant heardAt) {

        public boolean hasVoicemail() {
            return recordingUrl != null;
        }

        /** A missed call or a voicemail nobody has marked heard yet. */
        public boolean unheard() {
            return heardAt == null && (outcome == Outcome.MISSED || outcome == Outcome.VOICEMAIL);
        }
    }

    /** A page's filter: the workspace's calls, of one inbox and/or one outcome when given. */
    public record Filter(String workspaceId, String inbox, Outcome outcome, String contact) {
    }

    private static final String COLUMNS = "id, call_sid, workspace_id, from_number, our_number, label, inbox, direction, status, "
            + "outcome, started_at, answered_at, ended_at, duration_seconds, forwarded_to, recording_url, recording_seconds, "
            + "transcript, transcript_status, heard_at";

    private final EntityManager em;
    private final Clock clock;

    public CallLog(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    /**
     * One step of a call from inbound-calls: how it was answered, the forward's result, the recording or its transcript.
     * {@code workspaceId}, {@code inbox} and {@code label} are routing's resolution of the called number (null when
     * nobody owns it); the first event that knows them sets them.
     */
    public void record(InboundCall call, String workspaceId, String inbox, String label) {
        Instant at = call.receivedAt() != null ? call.receivedAt() : clock.instant();
        boolean answering = switch (call.disposition()) {
            case FORWARDED, VOICEMAIL, UNKNOWN_NUMBER -> true;
            default -> false;
        };
        String dialStatus = call.disposition() == InboundCall.Disposition.DIAL_RESULT ? call.dialCallStatus() : null;
        Instant answeredAt = null;
        if (dialStatus != null && (dialStatus.equals("completed") || dialStatus.equals("answered"))) {
            // the forward target picked up this long before the dial result came
            answeredAt = at.minusSeconds(call.dialCallDurationSeconds() == null ? 0 : Math.max(0, call.dialCallDurationSeconds()));
        }
        boolean recording = call.disposition() == InboundCall.Disposition.RECORDING;
        boolean transcript = call.disposition() == InboundCall.Disposition.TRANSCRIPTION;
        em.createNativeQuery("insert into call_log (call_sid, workspace_id, inbox, label, from_number, our_number, answered_by, "
                + "forwarded_to, started_at, dial_status, dial_seconds, answered_at, recording_url, recording_seconds, transcript, "
                + "transcript_status) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
                + "on conflict (call_sid) do update set workspace_id = coalesce(call_log.workspace_id, excluded.workspace_id), "
                + "inbox = coalesce(call_log.inbox, excluded.inbox), label = coalesce(call_log.label, excluded.label), "
                + "from_number = coalesce(call_log.from_number, excluded.from_number), "
                + "our_number = coalesce(call_log.our_number, excluded.our_number), "
                + "answered_by = coalesce(call_log.answered_by, excluded.answered_by), "
                + "forwarded_to = coalesce(call_log.forwarded_to, excluded.forwarded_to), "
                // the voice webhook's time is when the call started; other steps only stand in for it until it comes
                + "started_at = case when call_log.answered_by is not null then call_log.started_at "
                + "when excluded.answered_by is not null then excluded.started_at "
                + "else least(call_log.started_at, excluded.started_at) end, "
                + "dial_status = coalesce(call_log.dial_status, excluded.dial_status), "
                + "dial_seconds = coalesce(call_log.dial_seconds, excluded.dial_seconds), "
                + "answered_at = least(call_log.answered_at, excluded.answered_at), "
                + "recording_url = coalesce(call_log.recording_url, excluded.recording_url), "
                + "recording_seconds = coalesce(call_log.recording_seconds, excluded.recording_seconds), "
                + "transcript = coalesce(call_log.transcript, excluded.transcript), "
                + "transcript_status = coalesce(call_log.transcript_status, excluded.transcript_status)")
                .setParameter(1, call.callSid()).setParameter(2, workspaceId).setParameter(3, workspaceId == null ? null : inbox)
                .setParameter(4, workspaceId == null ? null : label)
                .setParameter(5, call.from() == null ? null : call.from().e164())
                .setParameter(6, call.to() == null ? null : call.to().e164())
                .setParameter(7, answering ? call.disposition().name() : null)
                .setParameter(8, call.forwardedTo() == null ? null : call.forwardedTo().e164())
                .setParameter(9, Timestamp.from(at)).setParameter(10, dialStatus)
                .setParameter(11, dialStatus == null ? null : call.dialCallDurationSeconds())
                .setParameter(12, answeredAt == null ? null : Timestamp.from(answeredAt))
                .setParameter(13, recording ? call.recordingUrl() : null)
                .setParameter(14, recording ? call.recordingDurationSeconds() : null)
                .setParameter(15, transcript ? call.transcript() : null)
                .setParameter(16, transcript ? call.transcriptStatus() : null)
                .executeUpdate();
    }

    /**
     * A status callback. The status only moves forward (initiated, ringing, in progress, a final one), and the first
     * final status wins with its duration, so callbacks arriving out of order leave the call where the last one left it.
     */
    public void recordStatus(CallStatusChanged status) {
        String name = status.status() == null ? "" : status.status().strip().toLowerCase(Locale.ROOT);
        int rank = rankOf(name);
        if (status.callSid() == null || rank < 0) {
            return;
        }
        Instant at = status.reportedAt() != null ? status.reportedAt() : clock.instant();
        boolean last = rank == FINAL;
        em.createNativeQuery("insert into call_log (call_sid, status, status_rank, started_at, answered_at, ended_at, "
                + "duration_seconds) values (?1, ?2, ?3, ?4, ?5, ?6, ?7) on conflict (call_sid) do update set "
                + "status = case when excluded.status_rank > call_log.status_rank then excluded.status else call_log.status end, "
                + "status_rank = greatest(call_log.status_rank, excluded.status_rank), "
                + "started_at = case when call_log.answered_by is not null then call_log.started_at "
                + "else least(call_log.started_at, excluded.started_at) end, "
                + "answered_at = least(call_log.answered_at, excluded.answered_at), "
                + "ended_at = coalesce(call_log.ended_at, excluded.ended_at), "
                + "duration_seconds = coalesce(call_log.duration_seconds, excluded.duration_seconds)")
                .setParameter(1, status.callSid()).setParameter(2, name).setParameter(3, rank)
                .setParameter(4, Timestamp.from(last && status.durationSeconds() != null ? at.minusSeconds(Math.max(0,
                        status.durationSeconds())) : at))
                .setParameter(5, rank == IN_PROGRESS ? Timestamp.from(at) : null)
                .setParameter(6, last ? Timestamp.from(at) : null)
                .setParameter(7, last ? (status.durationSeconds() == null ? Integer.valueOf(0) : Integer.valueOf(Math.max(0,
                        status.durationSeconds()))) : null)
                .executeUpdate();
    }

    private static final int IN_PROGRESS = 2;
    private static final int FINAL = 3;

    /** A call status's place in the order a call goes through them; -1 for one we do not know. */
    static int rankOf(String status) {
        return switch (status) {
            case "queued", "initiated" -> 0;
            case "ringing" -> 1;
            case "in-progress", "answered" -> IN_PROGRESS;
            case "completed", "busy", "no-answer", "failed", "canceled" -> FINAL;
            default -> -1;
        };
    }

    /** Up to {@code fetch} calls newest first, after the call at ({@code afterStart}, {@code afterId}) when given. */
    public List<Call> page(Filter filter, int fetch, Instant afterStart, Long afterId) {
        StringBuilder where = new StringBuilder("workspace_id = ?1");
        List<Object> parameters = new ArrayList<>(List.of(filter.workspaceId()));
        if (filter.inbox() != null) {
            parameters.add(filter.inbox().toLowerCase(Locale.ROOT));
            where.append(" and lower(inbox) = ?").append(parameters.size());
        }
        if (filter.outcome() != null) {
            parameters.add(filter.outcome().name());
            where.append(" and outcome = ?").append(parameters.size());
        }
        if (filter.contact() != null) {
            parameters.add(filter.contact());
            where.append(" and from_number = ?").append(parameters.size());
        }
        if (afterStart != null) {
            parameters.add(Timestamp.from(afterStart));
            int at = parameters.size();
            parameters.add(afterId);
            where.append(" and (started_at < ?").append(at).append(" or (started_at = ?").append(at).append(" and id < ?")
                    .append(parameters.size()).append("))");
        }
        var query = em.createNativeQuery("select " + COLUMNS + " from call_log where " + where
                + " order by started_at desc, id desc limit " + fetch);
        for (int i = 0; i < parameters.size(); i++) {
            query.setParameter(i + 1, parameters.get(i));
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(CallLog::call).toList();
    }

    /** The workspace's call {@code id}; empty for another workspace's, exactly as for one that does not exist. */
    public Optional<Call> find(String workspaceId, long id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select " + COLUMNS + " from call_log where id = ?1 and workspace_id = ?2")
                .setParameter(1, id).setParameter(2, workspaceId).getResultList();
        return rows.stream().map(CallLog::call).findFirst();
    }

    /** Marks a call heard (a voicemail listened to, a missed call seen); the first time counts. */
    public Optional<Call> markHeard(String workspaceId, long id) {
        em.createNativeQuery("update call_log set heard_at = coalesce(heard_at, ?3) where id = ?1 and workspace_id = ?2")
                .setParameter(1, id).setParameter(2, workspaceId).setParameter(3, Timestamp.from(clock.instant())).executeUpdate();
        return find(workspaceId, id);
    }

    /** How many of the workspace's calls that started in [{@code from}, {@code to}) ended each way (every outcome named). */
    public java.util.Map<Outcome, Long> outcomes(String workspaceId, Instant from, Instant to) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select outcome, count(*) from call_log where workspace_id = ?1 "
                + "and started_at >= ?2 and started_at < ?3 group by outcome").setParameter(1, workspaceId)
                .setParameter(2, Timestamp.from(from)).setParameter(3, Timestamp.from(to)).getResultList();
        java.util.Map<Outcome, Long> counts = new java.util.EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, 0L);
        }
        rows.forEach(row -> counts.put(Outcome.valueOf((String) row[0]), ((Number) row[1]).longValue()));
        return counts;
    }

    /** An inbox's calls nobody has marked heard yet. */
    public record Unheard(String inbox, long voicemails, long missedCalls) {
    }

    /** Per inbox (keyed lower-cased): unheard voicemails and unseen missed calls. */
    public java.util.Map<String, Unheard> unheardByInbox(String workspaceId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select min(inbox), count(*) filter (where outcome = 'VOICEMAIL'), "
                + "count(*) filter (where outcome = 'MISSED') from call_log where workspace_id = ?1 and heard_at is null "
                + "and outcome in ('VOICEMAIL', 'MISSED') and inbox is not null group by lower(inbox)")
                .setParameter(1, workspaceId).getResultList();
        java.util.Map<String, Unheard> counts = new java.util.HashMap<>();
        for (Object[] row : rows) {
            String inbox = (String) row[0];
            counts.put(inbox.toLowerCase(Locale.ROOT), new Unheard(inbox, ((Number) row[1]).longValue(), ((Number) row[2]).longValue()));
        }
        return counts;
    }

    /** A relabelled number takes its calls to the new inbox, as its conversations. */
    public void relabel(String workspaceId, String ourNumber, String label) {
        em.createNativeQuery("update call_log set inbox = ?1, label = ?1 where workspace_id = ?2 and our_number = ?3 and inbox <> ?1")
                .setParameter(1, label).setParameter(2, workspaceId).setParameter(3, ourNumber).executeUpdate();
    }

    private static Call call(Object[] r) {
        return new Call(((Number) r[0]).longValue(), (String) r[1], (String) r[2], (String) r[3], (String) r[4], (String) r[5],
                (String) r[6], (String) r[7], (String) r[8], Outcome.valueOf((String) r[9]), instant(r[10]), instant(r[11]),
                instant(r[12]), integer(r[13]), (String) r[14], (String) r[15], integer(r[16]), (String) r[17], (String) r[18],
                instant(r[19]));
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        return ((Timestamp) value).toInstant();
    }

    private static Integer integer(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }
}
