package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What a workspace may spend on messages per UTC day and calendar month (USD, estimated with the ledger's prices when a
 * message is accepted): its plan's budget (MESSAGING_DAILY_BUDGET_&lt;PLAN&gt;, MESSAGING_MONTHLY_BUDGET_&lt;PLAN&gt;), or
 * one an operator set for it. A tenant cannot change either. Callers hold the workspace's allowance lock
 * ({@code AdvisoryLock.WORKSPACE_ALLOWANCE}), so the check and the addition are one step.
 */
@ApplicationScoped
public class SpendBudgets {

    /** A workspace's budgets, what it has spent against them, and when each starts again. */
    public record Budget(Plan plan, BigDecimal daily, BigDecimal monthly, boolean overridden, BigDecimal spentToday,
            BigDecimal spentThisMonth, Instant dayResetsAt, Instant monthResetsAt) {
    }

    private final EntityManager em;
    private final OutboundConfig.Budgets defaults;
    private final MeterRegistry registry;

    public SpendBudgets(EntityManager em, OutboundConfig config, MeterRegistry registry) {
        this.em = em;
        this.defaults = config.budgets();
        this.registry = registry;
    }

    /**
     * Adds {@code cost} to today's spend, unless it would pass the day's or the month's budget.
     *
     * @throws SendRefused (budget_exhausted, with when the budget starts again) when it would
     */
    public void charge(String workspaceId, BigDecimal cost, Instant now) {
        Budget budget = of(workspaceId, now);
        boolean overDay = budget.spentToday().add(cost).compareTo(budget.daily()) > 0;
        boolean overMonth = budget.spentThisMonth().add(cost).compareTo(budget.monthly()) > 0;
        if (overDay || overMonth) {
            Instant resets = overMonth ? budget.monthResetsAt() : budget.dayResetsAt();
            registry.counter("outbound.refused", "reason", SendRefused.Reason.BUDGET_EXHAUSTED.code()).increment();
            throw new SendRefused(SendRefused.Reason.BUDGET_EXHAUSTED, "workspace " + workspaceId + " has spent "
                    + usd(overMonth ? budget.spentThisMonth() : budget.spentToday()) + " of its " + (overMonth ? "monthly" : "daily")
                    + " messaging budget of " + usd(overMonth ? budget.monthly() : budget.daily()) + " (this message: " + usd(cost)
                    + "); sending is possible again from " + resets, Duration.between(now, resets));
        }
        em.createNativeQuery("insert into messaging_spend (workspace_id, day, estimated_usd) values (?1, ?2, ?3) "
                + "on conflict (workspace_id, day) do update set estimated_usd = messaging_spend.estimated_usd + excluded.estimated_usd")
                .setParameter(1, workspaceId).setParameter(2, day(now)).setParameter(3, cost).executeUpdate();
    }

    /**
     * The workspace's budgets and spend now, read in one statement (every accepted message asks): this month's and
     * today's spend, an operator's budgets if any, and the plan provisioning-results last named (until one has, Pro for
     * a workspace with a number of its own, since only paying plans have one, else Starter).
     */
    public Budget of(String workspaceId, Instant now) {
        LocalDate today = day(now);
        LocalDate monthStart = today.withDayOfMonth(1);
        Object[] row = (Object[]) em.createNativeQuery("select coalesce(sum(s.estimated_usd) filter (where s.day = ?2), 0), "
                + "coalesce(sum(s.estimated_usd), 0), "
                + "(select daily_usd from messaging_budget_override where workspace_id = ?1), "
                + "(select monthly_usd from messaging_budget_override where workspace_id = ?1), "
                + "coalesce((select plan from workspace_provisioning where workspace_id = ?1), case when exists (select 1 "
                + "from number_assignment where workspace_id = ?1 and not shared) then 'PRO' else 'STARTER' end) "
                + "from messaging_spend s where s.workspace_id = ?1 and s.day >= ?3")
                .setParameter(1, workspaceId).setParameter(2, today).setParameter(3, monthStart).getSingleResult();
        Plan plan = Plan.valueOf((String) row[4]);
        boolean overridden = row[2] != null;
        OutboundConfig.PlanBudget planBudget = defaults.of(plan);
        return new Budget(plan, overridden ? (BigDecimal) row[2] : planBudget.daily(),
                overridden ? (BigDecimal) row[3] : planBudget.monthly(), overridden, (BigDecimal) row[0], (BigDecimal) row[1],
                today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                monthStart.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** An operator's budgets for the workspace, replacing its plan's; null and null goes back to the plan's. */
    public void override(String workspaceId, BigDecimal daily, BigDecimal monthly, String setBy, Instant now) {
        if (daily == null && monthly == null) {
            em.createNativeQuery("delete from messaging_budget_override where workspace_id = ?1").setParameter(1, workspaceId)
                    .executeUpdate();
            return;
        }
        em.createNativeQuery("insert into messaging_budget_override (workspace_id, daily_usd, monthly_usd, set_by, set_at) "
                + "values (?1, ?2, ?3, ?4, ?5) on conflict (workspace_id) do update set daily_usd = excluded.daily_usd, "
                + "monthly_usd = excluded.monthly_usd, set_by = excluded.set_by, set_at = excluded.set_at")
                .setParameter(1, workspaceId).setParameter(2, daily).setParameter(3, monthly).setParameter(4, setBy)
                .setParameter(5, Timestamp.from(now)).executeUpdate();
    }

    private static LocalDate day(Instant now) {
        return now.atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static String usd(BigDecimal amount) {
        return "USD " + ai.galaxyco.phone.model.values.Money.usage(amount);
    }
}
