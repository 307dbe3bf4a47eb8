package ai.galaxyco.phone.analytics.api;

import ai.galaxyco.phone.analytics.domain.MonthOverview;
import ai.galaxyco.phone.analytics.domain.MonthOverview.Overview;
import ai.galaxyco.phone.analytics.domain.UsageReport;
import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.model.values.Money;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The operators' view of a month across every workspace (service role). */
@Path("/api/analytics")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class OverviewResource {

    public record Revenue(String total, Map<String, String> byPlan) {
    }

    public record Cost(String total, String numbers, String usage) {
    }

    /** {@code percent}: of revenue, one decimal; null without revenue. */
    public record Margin(String amount, String percent) {
    }

    public record ProvisioningFigures(long attempts, long succeeded, long failed, String successRatePercent,
            Map<String, Long> failuresByReason, Long timeToNumberP50Seconds, Long timeToNumberP95Seconds) {
    }

    public record MonthView(String month, String currency, Map<String, Long> workspacesByPlan, Revenue revenue,
            Map<String, String> revenueByChannel, Cost cost, Margin margin, ProvisioningFigures provisioning) {
    }

    private final WorkspaceAccess access;
    private final MonthOverview overviews;

    public OverviewResource(WorkspaceAccess access, MonthOverview overviews) {
        this.access = access;
        this.overviews = overviews;
    }

    /** {@code month}: 2026-11 (UTC). Money in USD as decimal strings with two decimals. */
    @GET
    @Path("/overview")
    @Transactional
    public MonthView overview(@QueryParam("month") String month) {
        access.requireService();
        YearMonth period = month(month);
        Overview o = overviews.of(period);
        var p = o.provisioning();
        return new MonthView(period.toString(), "USD", o.workspacesByPlan(), new Revenue(money(o.revenue()), money(o.revenueByPlan())),
                money(o.revenueByChannel()), new Cost(money(o.cost()), money(o.numbersCost()), money(o.usageCost())),
                new Margin(money(o.margin()), o.marginPercent() == null ? null : o.marginPercent().toPlainString()),
                new ProvisioningFigures(p.attempts(), p.succeeded(), p.failed(),
                        p.successRatePercent() == null ? null : p.successRatePercent().toPlainString(), p.failuresByReason(),
                        p.timeToNumberP50Seconds(), p.timeToNumberP95Seconds()));
    }

    /** One workspace's row of the month's cost table (money as two-decimal strings; {@code plan} null if unknown). */
    public record WorkspaceRow(String workspaceId, String plan, String revenue, String cost, Map<String, String> costByChannel,
            String margin) {
    }

    /**
     * The month's per-workspace cost table, most expensive (or, with {@code sort=margin}, least profitable) first, paged
     * with the shared envelope; the cursor is the last row's sort value and workspace id.
     */
    @GET
    @Path("/workspaces")
    @Transactional
    public Page<WorkspaceRow> workspaces(@QueryParam("month") String month, @QueryParam("sort") String sort,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.requireService();
        YearMonth period = month(month);
        boolean byMargin = byMargin(sort);
        PageRequest page = PageRequest.of(limit, cursor, 2);
        Comparator<MonthOverview.WorkspaceMonth> order = order(byMargin);
        List<MonthOverview.WorkspaceMonth> rows = overviews.workspaces(period).stream().sorted(order).toList();
        if (!page.first()) {
            BigDecimal afterValue = new BigDecimal(page.after().get(0));
            String afterId = page.after().get(1);
            Comparator<MonthOverview.WorkspaceMonth> finalOrder = order;
            MonthOverview.WorkspaceMonth probe = new MonthOverview.WorkspaceMonth(afterId, null, BigDecimal.ZERO, Map.of(),
                    byMargin ? BigDecimal.ZERO : afterValue, byMargin ? afterValue : BigDecimal.ZERO);
            rows = rows.stream().filter(row -> finalOrder.compare(row, probe) > 0).toList();
        }
        List<MonthOverview.WorkspaceMonth> fetched = rows.subList(0, Math.min(rows.size(), page.fetch()));
        return page.page(fetched, row -> List.of((byMargin ? row.margin() : row.cost()).toPlainString(), row.workspaceId()),
                row -> new WorkspaceRow(row.workspaceId(), row.plan(), money(row.revenue()), money(row.cost()),
                        money(row.costByChannel()), money(row.margin())));
    }

    /**
     * The month's whole per-workspace table as CSV (every row, no paging), in the order of {@link #workspaces}: money
     * as decimal strings with four places (the JSON rounds to cents), cost split by channel in a column each.
     */
    @GET
    @Path("/workspaces.csv")
    @Produces(Csv.MEDIA_TYPE)
    @Transactional
    public Response workspacesCsv(@QueryParam("month") String month, @QueryParam("sort") String sort) {
        access.requireService();
        YearMonth period = month(month);
        Csv csv = new Csv("workspaceId,plan,revenue,cost," + UsageReport.CHANNELS.stream().map(c -> "cost" + c)
                .collect(java.util.stream.Collectors.joining(",")) + ",margin");
        for (MonthOverview.WorkspaceMonth row : overviews.workspaces(period).stream().sorted(order(byMargin(sort))).toList()) {
            List<Object> fields = new java.util.ArrayList<>(List.of(row.workspaceId(), row.plan() == null ? "" : row.plan(),
                    Money.usage(row.revenue()), Money.usage(row.cost())));
            UsageReport.CHANNELS.forEach(c -> fields.add(Money.usage(row.costByChannel().getOrDefault(c, BigDecimal.ZERO))));
            fields.add(Money.usage(row.margin()));
            csv.row(fields.toArray());
        }
        return csv.download("workspaces-" + period + ".csv");
    }

    private static boolean byMargin(String sort) {
        boolean byMargin = "margin".equals(sort);
        if (sort != null && !sort.isBlank() && !byMargin && !"cost".equals(sort)) {
            throw new ProblemException(400, "invalid_request", "sort is cost or margin, not \"" + sort + "\"");
        }
        return byMargin;
    }

    /** Most expensive first, or least profitable first; ties by workspace id, so pages never overlap. */
    private static Comparator<MonthOverview.WorkspaceMonth> order(boolean byMargin) {
        Comparator<MonthOverview.WorkspaceMonth> order = byMargin
                ? Comparator.comparing(MonthOverview.WorkspaceMonth::margin)
                : Comparator.comparing(MonthOverview.WorkspaceMonth::cost).reversed();
        return order.thenComparing(MonthOverview.WorkspaceMonth::workspaceId);
    }

    private static YearMonth month(String month) {
        try {
            return YearMonth.parse(month == null ? "" : month.trim());
        } catch (DateTimeParseException e) {
            throw new ProblemException(400, "invalid_request", "month must be a month such as 2026-11, not \"" + month + "\"");
        }
    }

    private static String money(BigDecimal amount) {
        return Money.cents(amount);
    }

    private static Map<String, String> money(Map<String, BigDecimal> amounts) {
        Map<String, String> shown = new LinkedHashMap<>();
        amounts.forEach((key, amount) -> shown.put(key, money(amount)));
        return shown;
    }
}
