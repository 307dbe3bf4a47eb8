package ai.galaxyco.phone.analytics.api;

import ai.galaxyco.phone.analytics.domain.MonthOverview;
import ai.galaxyco.phone.analytics.domain.MonthOverview.Overview;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
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
        YearMonth period;
        try {
            period = YearMonth.parse(month == null ? "" : month.trim());
        } catch (DateTimeParseException e) {
            throw new ProblemException(400, "invalid_request", "month must be a month such as 2026-11, not \"" + month + "\"");
        }
        Overview o = overviews.of(period);
        var p = o.provisioning();
        return new MonthView(period.toString(), "USD", o.workspacesByPlan(), new Revenue(money(o.revenue()), money(o.revenueByPlan())),
                money(o.revenueByChannel()), new Cost(money(o.cost()), money(o.numbersCost()), money(o.usageCost())),
                new Margin(money(o.margin()), o.marginPercent() == null ? null : o.marginPercent().toPlainString()),
                new ProvisioningFigures(p.attempts(), p.succeeded(), p.failed(),
                        p.successRatePercent() == null ? null : p.successRatePercent().toPlainString(), p.failuresByReason(),
                        p.timeToNumberP50Seconds(), p.timeToNumberP95Seconds()));
    }

    private static String money(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static Map<String, String> money(Map<String, BigDecimal> amounts) {
        Map<String, String> shown = new LinkedHashMap<>();
        amounts.forEach((key, amount) -> shown.put(key, money(amount)));
        return shown;
    }
}
