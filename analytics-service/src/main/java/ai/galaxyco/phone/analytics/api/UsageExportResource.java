package ai.galaxyco.phone.analytics.api;

import ai.galaxyco.phone.analytics.domain.UsageReport;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * A workspace's usage as CSV, for a spreadsheet or the finance team: the figures of {@code GET …/usage} with the same
 * query, one row per bucket and channel, money as decimal strings with four places. The rows of a column add up to
 * the JSON report's total.
 */
@Path("/api/workspaces/{workspaceId}/usage.csv")
@Produces(Csv.MEDIA_TYPE)
@Authenticated
public class UsageExportResource {

    static final String HEADER = "start,channel,messagesOutbound,messagesInbound,segmentsOutbound,calls,callSeconds,cost";

    private final WorkspaceAccess access;
    private final UsageReport reports;

    public UsageExportResource(WorkspaceAccess access, UsageReport reports) {
        this.access = access;
        this.reports = reports;
    }

    @GET
    @Transactional
    public Response usage(@PathParam("workspaceId") String workspaceId, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("granularity") String granularity) {
        access.require(workspaceId);
        UsageResource.Period period = UsageResource.Period.of(from, to, granularity);
        UsageReport.Report report = reports.of(workspaceId, period.startAt(), period.endAt(), period.unit());
        Csv csv = new Csv(HEADER);
        for (UsageReport.Bucket bucket : report.series()) {
            for (String channel : UsageReport.CHANNELS) {
                UsageReport.ChannelCounts counts = bucket.figures().countsByChannel.get(channel);
                csv.row(bucket.start().toString(), channel, counts.messagesOutbound, counts.messagesInbound, counts.segmentsOutbound,
                        counts.calls, counts.callSeconds, UsageResource.money(bucket.figures().costByChannel.get(channel)));
            }
        }
        return csv.download("usage-" + workspaceId + "-" + period.start() + "-" + period.end() + ".csv");
    }
}
