package ai.galaxyco.phone.outbound.api;

import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.model.values.Money;
import ai.galaxyco.phone.outbound.domain.SpendBudgets;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;

/**
 * A workspace's messaging budgets (USD per UTC day and per calendar month) and its spend against them: members read
 * theirs; only an operator (service role) raises or lowers them, and a tenant never can.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class MessagingBudgetResource {

    /** Amounts as plain decimal text in USD. */
    public record BudgetView(String workspaceId, String plan, String dailyBudget, String monthlyBudget, boolean overridden,
            String spentToday, String spentThisMonth, Instant dayResetsAt, Instant monthResetsAt) {
    }

    /** Both amounts, in USD (e.g. "100.00"). */
    public record BudgetChange(String dailyBudget, String monthlyBudget) {
    }

    private final WorkspaceAccess access;
    private final SpendBudgets budgets;
    private final AuditTrail audit;
    private final Clock clock;

    public MessagingBudgetResource(WorkspaceAccess access, SpendBudgets budgets, AuditTrail audit, Clock clock) {
        this.access = access;
        this.budgets = budgets;
        this.audit = audit;
        this.clock = clock;
    }

    @GET
    @Path("/workspaces/{workspaceId}/messaging-budget")
    @Transactional
    public BudgetView get(@PathParam("workspaceId") String workspaceId) {
        access.require(workspaceId);
        return view(workspaceId);
    }

    /** An operator sets the workspace's budgets, replacing its plan's. */
    @PUT
    @Path("/admin/workspaces/{workspaceId}/messaging-budget")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public BudgetView set(@PathParam("workspaceId") String workspaceId, BudgetChange change) {
        access.requireService();
        if (change == null) {
            throw new ProblemException(400, "invalid_request", "send {\"dailyBudget\": \"100.00\", \"monthlyBudget\": \"1000.00\"}");
        }
        BigDecimal daily = amount("dailyBudget", change.dailyBudget());
        BigDecimal monthly = amount("monthlyBudget", change.monthlyBudget());
        BudgetView before = view(workspaceId);
        budgets.override(workspaceId, daily, monthly, access.actor(), clock.instant());
        BudgetView after = view(workspaceId);
        audit.record(workspaceId, "budget.override", "messaging", limits(before), limits(after));
        return after;
    }

    /** The workspace goes back to its plan's budgets. */
    @DELETE
    @Path("/admin/workspaces/{workspaceId}/messaging-budget")
    @Transactional
    public BudgetView reset(@PathParam("workspaceId") String workspaceId) {
        access.requireService();
        BudgetView before = view(workspaceId);
        budgets.override(workspaceId, null, null, access.actor(), clock.instant());
        BudgetView after = view(workspaceId);
        audit.record(workspaceId, "budget.reset", "messaging", limits(before), limits(after));
        return after;
    }

    private static java.util.Map<String, Object> limits(BudgetView view) {
        return java.util.Map.of("dailyBudget", view.dailyBudget(), "monthlyBudget", view.monthlyBudget(), "overridden", view.overridden());
    }

    private BudgetView view(String workspaceId) {
        SpendBudgets.Budget budget = budgets.of(workspaceId, clock.instant());
        return new BudgetView(workspaceId, budget.plan().name(), Money.usage(budget.daily()), Money.usage(budget.monthly()),
                budget.overridden(), Money.usage(budget.spentToday()), Money.usage(budget.spentThisMonth()), budget.dayResetsAt(),
                budget.monthResetsAt());
    }

    private static BigDecimal amount(String field, String value) {
        try {
            BigDecimal amount = new BigDecimal(value == null ? "" : value.strip());
            if (amount.signum() < 0 || amount.scale() > 4 || amount.compareTo(new BigDecimal("1000000")) > 0) {
                throw new NumberFormatException();
            }
            return amount;
        } catch (NumberFormatException e) {
            throw new ProblemException(400, "invalid_budget", field + " is an amount in USD from 0 to 1000000 with at most 4 "
                    + "decimal places, such as \"100.00\"; got " + value);
        }
    }
}
