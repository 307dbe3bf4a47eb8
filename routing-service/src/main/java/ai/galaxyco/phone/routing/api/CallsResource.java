package ai.galaxyco.phone.routing.api;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.routing.domain.CallLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * A workspace's calls, newest first: how each ended (forwarded and answered, voicemail, missed, still going), its
 * voicemail with transcript, and the recording itself, streamed from SignalWire with the project's credentials (its
 * URL is never shown). Another workspace's call is answered 404, exactly like one that does not exist.
 */
@Path("/api/workspaces/{workspaceId}/calls")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class CallsResource {

    /** The voicemail a caller left: {@code transcriptStatus} is {@code pending} until the transcript arrives. */
    public record VoicemailView(Integer durationSeconds, String transcript, String transcriptStatus, boolean heard) {
    }

    /**
     * {@code outcome}: FORWARDED (answered at the forward target), VOICEMAIL, MISSED (nobody answered, no message),
     * IN_PROGRESS. {@code unread}: a missed call or voicemail nobody has marked heard.
     */
    public record CallView(String id, String callSid, String from, String ourNumber, String label, String inbox, String direction,
            String status, String outcome, Instant startedAt, Instant answeredAt, Instant endedAt, Integer durationSeconds,
            String forwardedTo, VoicemailView voicemail, boolean unread) {

        static CallView of(CallLog.Call c) {
            VoicemailView voicemail = !c.hasVoicemail() ? null : new VoicemailView(c.recordingSeconds(), c.transcript(),
                    c.transcriptStatus() != null ? c.transcriptStatus() : "pending", c.heardAt() != null);
            return new CallView(String.valueOf(c.id()), c.callSid(), c.from(), c.ourNumber(), c.label(), c.inbox(), c.direction(),
                    c.status(), c.outcome().name(), c.startedAt(), c.answeredAt(), c.endedAt(), c.durationSeconds(), c.forwardedTo(),
                    voicemail, c.unheard());
        }
    }

    private final WorkspaceAccess access;
    private final CallLog calls;
    private final SignalWireHttp signalwire;
    private final MeterRegistry registry;

    public CallsResource(WorkspaceAccess access, CallLog calls, SignalWireHttp signalwire, MeterRegistry registry) {
        this.access = access;
        this.calls = calls;
        this.signalwire = signalwire;
        this.registry = registry;
    }

    /** Newest first; {@code ?inbox=Sales} one inbox, {@code ?outcome=VOICEMAIL} one outcome. */
    @GET
    @Transactional
    public Page<CallView> list(@PathParam("workspaceId") String workspaceId, @QueryParam("inbox") String inbox,
            @QueryParam("outcome") String outcome, @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.require(workspaceId);
        var filter = new CallLog.Filter(workspaceId, inbox == null || inbox.isBlank() ? null : inbox.strip(), outcomeOf(outcome), null);
        return newestFirst(calls, filter, PageRequest.of(limit, cursor, 2));
    }

    /** The workspace's calls that started in a period, counted by outcome: what the usage page shows of calls. */
    public record OutcomeCounts(java.time.LocalDate from, java.time.LocalDate to, java.util.Map<String, Long> counts, long total) {
    }

    /**
     * How the workspace's calls that started from {@code from} (a UTC date, included) to {@code to} (excluded) ended:
     * a count for each outcome, zeros included. At most 366 days.
     */
    @GET
    @Path("/outcomes")
    @Transactional
    public OutcomeCounts outcomes(@PathParam("workspaceId") String workspaceId, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        access.require(workspaceId);
        java.time.LocalDate start = date("from", from);
        java.time.LocalDate end = date("to", to);
        if (!end.isAfter(start) || end.isAfter(start.plusDays(366))) {
            throw new ProblemException(400, "invalid_request", "to must be after from, and at most 366 days after it");
        }
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        calls.outcomes(workspaceId, start.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                end.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()).forEach((outcome, n) -> counts.put(outcome.name(), n));
        return new OutcomeCounts(start, end, counts, counts.values().stream().mapToLong(Long::longValue).sum());
    }

    private static java.time.LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new ProblemException(400, "invalid_request", name + " is required (a date such as 2026-11-01)");
        }
        try {
            return java.time.LocalDate.parse(value.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new ProblemException(400, "invalid_request", name + " must be a date such as 2026-11-01");
        }
    }

    /** One page of the calls {@code filter} selects, newest first; the cursor is the last item's (startedAt, id). */
    static Page<CallView> newestFirst(CallLog calls, CallLog.Filter filter, PageRequest page) {
        var rows = page.first() ? calls.page(filter, page.fetch(), null, null)
                : calls.page(filter, page.fetch(), page.instantKey(0), page.longKey(1));
        return page.page(rows, c -> java.util.List.of(c.startedAt().toString(), String.valueOf(c.id())), CallView::of);
    }

    @GET
    @Path("/{callId}")
    @Transactional
    public CallView call(@PathParam("workspaceId") String workspaceId, @PathParam("callId") String callId) {
        access.require(workspaceId);
        return CallView.of(owned(workspaceId, callId));
    }

    /** Marks the call heard: its voicemail listened to, or the missed call seen. It stops counting as unread. */
    @POST
    @Path("/{callId}/heard")
    @Transactional
    public CallView heard(@PathParam("workspaceId") String workspaceId, @PathParam("callId") String callId) {
        access.require(workspaceId);
        owned(workspaceId, callId);
        return CallView.of(calls.markHeard(workspaceId, idOf(callId)).orElseThrow(NotFoundException::new));
    }

    /**
     * The voicemail's audio, streamed from SignalWire with the project's credentials, with the type SignalWire gives
     * (audio/mpeg, audio/wav). Fetched only from the configured space's host: a recording URL pointing anywhere else
     * (whatever the webhook said) is refused without a request.
     */
    @GET
    @Path("/{callId}/recording")
    @Produces(MediaType.WILDCARD)
    @Blocking
    public Response recording(@PathParam("workspaceId") String workspaceId, @PathParam("callId") String callId) {
        access.require(workspaceId);
        // read in a short transaction of its own: the stream that follows holds no database connection
        CallLog.Call call = QuarkusTransaction.requiringNew().call(() -> owned(workspaceId, callId));
        if (!call.hasVoicemail()) {
            throw new ProblemException(404, "no_recording", "this call has no voicemail");
        }
        if (!signalwire.isConfigured()) {
            throw new ProblemException(503, "recordings_unavailable", "SignalWire is not configured on this service");
        }
        var url = signalwire.onSpace(call.recordingUrl()).orElse(null);
        if (url == null) {
            registry.counter("routing.recordings", "outcome", "refused_host").increment();
            Log.warnf("call %s: its recording URL is not on the configured SignalWire space; not fetched", call.callSid());
            throw new ProblemException(502, "recording_host_refused",
                    "the recording is not on the configured SignalWire space, so it is not fetched");
        }
        okhttp3.Response upstream;
        try {
            upstream = signalwire.download(url);
        } catch (SignalWireException e) {
            registry.counter("routing.recordings", "outcome", "failed").increment();
            if (e.httpStatus() == 404) {
                throw new ProblemException(404, "no_recording", "SignalWire no longer has this recording");
            }
            throw new ProblemException(502, "recording_unavailable", "SignalWire did not give the recording; try again later");
        }
        registry.counter("routing.recordings", "outcome", "streamed").increment();
        String type = upstream.header("Content-Type", "audio/mpeg");
        long length = upstream.body().contentLength();
        StreamingOutput body = out -> {
            try (upstream) {
                upstream.body().byteStream().transferTo(out);
            }
        };
        var answer = Response.ok(body, type).header("Cache-Control", "private, max-age=300");
        if (length >= 0) {
            answer.header("Content-Length", length);
        }
        return answer.build();
    }

    private CallLog.Call owned(String workspaceId, String callId) {
        return calls.find(workspaceId, idOf(callId)).orElseThrow(NotFoundException::new);
    }

    private static long idOf(String callId) {
        try {
            return Long.parseLong(callId);
        } catch (NumberFormatException e) {
            throw new NotFoundException();
        }
    }

    static CallLog.Outcome outcomeOf(String outcome) {
        if (outcome == null || outcome.isBlank()) {
            return null;
        }
        try {
            return CallLog.Outcome.valueOf(outcome.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "invalid_outcome", "outcome is one of " + Arrays.toString(CallLog.Outcome.values()));
        }
    }
}
