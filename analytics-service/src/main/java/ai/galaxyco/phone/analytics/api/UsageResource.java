package ai.galaxyco.phone.analytics.api;

import ai.galaxyco.phone.analytics.domain.LiveFacts;
import ai.galaxyco.phone.analytics.domain.LiveFacts.LiveFact;
import ai.galaxyco.phone.analytics.domain.UsageReport;
import ai.galaxyco.phone.analytics.domain.UsageReport.Figures;
import ai.galaxyco.phone.analytics.domain.UsageReport.Granularity;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.model.values.Money;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** A workspace's usage and cost: the console's usage page and the product's billing views read this. */
@Path("/api/workspaces/{workspaceId}/usage")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class UsageResource {

    /** Money as decimal strings (never floats), four decimals: a number held 10 days of 30 costs "0.3333". */
    public record UsageFigures(long messagesOutbound, long messagesInbound, long segmentsOutbound, long calls, long callSeconds,
            String cost, Map<String, String> costByChannel) {
    }

    public record UsageBucket(Instant start, long messagesOutbound, long messagesInbound, long segmentsOutbound, long calls,
            long callSeconds, String cost, Map<String, String> costByChannel) {
    }

    public record Usage(String workspaceId, LocalDate from, LocalDate to, String granularity, String currency,
            UsageFigures totals, List<UsageBucket> series) {
    }

    private static final Duration LONGEST_DAILY = Duration.ofDays(366);
    private static final Duration LONGEST_HOURLY = Duration.ofDays(31);

    private final WorkspaceAccess access;
    private final UsageReport reports;
    private final LiveFacts live;

    public UsageResource(WorkspaceAccess access, UsageReport reports, LiveFacts live) {
        this.access = access;
        this.reports = reports;
        this.live = live;
    }

    /**
     * Server-sent events: every new ledger fact of the workspace (a message sent or received, a status or price that
     * changed a message's cost, a call), as soon as it is written. The stream ends when the caller's token expires
     * (reconnect with a fresh one); 429 {@code live_streams_exhausted} beyond LIVE_STREAMS_PER_WORKSPACE open streams
     * of the workspace or LIVE_STREAMS_PER_INSTANCE of the instance.
     */
    @GET
    @Path("/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<LiveFact> live(@PathParam("workspaceId") String workspaceId) {
        access.require(workspaceId);
        return live.of(workspaceId, access.expiresAt());
    }

    /** {@code from} and {@code to} are UTC dates, {@code to} excluded; {@code granularity} day (default) or hour. */
    @GET
    @Transactional
    public Usage usage(@PathParam("workspaceId") String workspaceId, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("granularity") String granularity) {
        access.require(workspaceId);
        Period period = Period.of(from, to, granularity);
        Granularity unit = period.unit();
        UsageReport.Report report = reports.of(workspaceId, period.startAt(), period.endAt(), unit);
        Figures t = report.totals();
        return new Usage(workspaceId, period.start(), period.end(), unit.name().toLowerCase(Locale.ROOT), "USD",
                new UsageFigures(t.messagesOutbound, t.messagesInbound, t.segmentsOutbound, t.calls, t.callSeconds, money(t.cost()),
                        money(t.costByChannel)),
                report.series().stream().map(b -> new UsageBucket(b.start(), b.figures().messagesOutbound,
                        b.figures().messagesInbound, b.figures().segmentsOutbound, b.figures().calls, b.figures().callSeconds,
                        money(b.figures().cost()), money(b.figures().costByChannel))).toList());
    }

    /** A report's period as the query gives it: UTC dates, {@code to} excluded, within the longest report of its unit. */
    record Period(LocalDate start, LocalDate end, Granularity unit) {

        static Period of(String from, String to, String granularity) {
            LocalDate start = date("from", from);
            LocalDate end = date("to", to);
            Granularity unit = granularity(granularity);
            Period period = new Period(start, end, unit);
            if (!period.endAt().isAfter(period.startAt())) {
                throw new ProblemException(400, "invalid_request", "to must be after from");
            }
            Duration longest = unit == Granularity.HOUR ? LONGEST_HOURLY : LONGEST_DAILY;
            if (Duration.between(period.startAt(), period.endAt()).compareTo(longest) > 0) {
                throw new ProblemException(400, "invalid_request", "a " + unit.name().toLowerCase(Locale.ROOT)
                        + "ly report covers at most " + longest.toDays() + " days");
            }
            return period;
        }

        Instant startAt() {
            return start.atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        Instant endAt() {
            return end.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    static String money(BigDecimal amount) {
        return Money.usage(amount);
    }

    private static Map<String, String> money(Map<String, BigDecimal> byChannel) {
        Map<String, String> shown = new LinkedHashMap<>();
        byChannel.forEach((channel, cost) -> shown.put(channel, money(cost)));
        return shown;
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new ProblemException(400, "invalid_request", name + " is required (a date such as 2026-11-01)");
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ProblemException(400, "invalid_request", name + " must be a date such as 2026-11-01, not \"" + value + "\"");
        }
    }

    private static Granularity granularity(String value) {
        if (value == null || value.isBlank()) {
            return Granularity.DAY;
        }
        try {
            return Granularity.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "invalid_request", "granularity is day or hour, not \"" + value + "\"");
        }
    }
}
