package ai.galaxyco.phone.analytics.domain;

import ai.galaxyco.phone.analytics.config.AnalyticsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operators' month: workspaces by plan, revenue (each workspace's plan price for the month, by its plan at the
 * month's end), revenue attributed by channel, cost (numbers held plus usage), margin, and provisioning (attempts,
 * success rate, failures by reason, time to number).
 *
 * <p>Revenue attribution: a workspace's subscription revenue is split across SMS, MMS, WhatsApp and voice in proportion
 * to its usage cost on each that month (numbers excluded, as every paying workspace holds one); a workspace with no usage
 * cost that month counts under {@code NONE}.
 */
@ApplicationScoped
public class MonthOverview {

    public static final List<String> ATTRIBUTED = List.of("SMS", "MMS", "WHATSAPP", "VOICE", "NONE");

    public record Provisioning(long attempts, long succeeded, long failed, BigDecimal successRatePercent,
            Map<String, Long> failuresByReason, Long timeToNumberP50Seconds, Long timeToNumberP95Seconds) {
    }

    public record Overview(YearMonth month, Map<String, Long> workspacesByPlan, Map<String, BigDecimal> revenueByPlan,
            BigDecimal revenue, Map<String, BigDecimal> revenueByChannel, BigDecimal numbersCost, BigDecimal usageCost,
            BigDecimal cost, BigDecimal margin, BigDecimal marginPercent, Provisioning provisioning) {
    }

    private final EntityManager em;
    private final AnalyticsConfig config;
    private final Clock clock;

    public MonthOverview(EntityManager em, AnalyticsConfig config, Clock clock) {
        this.em = em;
        this.config = config;
        this.clock = clock;
    }

    /** One workspace's month: what it earned, what it cost by channel (numbers included), and the difference. */
    public record WorkspaceMonth(String workspaceId, String plan, BigDecimal revenue, Map<String, BigDecimal> costByChannel,
            BigDecimal cost, BigDecimal margin) {
    }

    /** Every workspace with a plan or a cost in the month. */
    public List<WorkspaceMonth> workspaces(YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, String> planOf = plansAt(start, end);
        Map<String, Map<String, BigDecimal>> usageOf = usageByWorkspace(start, end);
        Map<String, BigDecimal> numbersOf = numbersCostByWorkspace(start, end);
        java.util.Set<String> workspaces = new java.util.TreeSet<>(planOf.keySet());
        workspaces.addAll(usageOf.keySet());
        workspaces.addAll(numbersOf.keySet());
        List<WorkspaceMonth> rows = new ArrayList<>();
        for (String workspace : workspaces) {
            String plan = planOf.get(workspace);
            BigDecimal revenue = plan == null ? BigDecimal.ZERO : priceOf(plan);
            Map<String, BigDecimal> costs = new LinkedHashMap<>();
            UsageReport.CHANNELS.forEach(channel -> costs.put(channel, BigDecimal.ZERO));
            usageOf.getOrDefault(workspace, Map.of()).forEach((channel, cost) -> costs.merge(channel, cost, BigDecimal::add));
            costs.merge("NUMBERS", numbersOf.getOrDefault(workspace, BigDecimal.ZERO), BigDecimal::add);
            BigDecimal cost = costs.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            rows.add(new WorkspaceMonth(workspace, plan, revenue, costs, cost, revenue.subtract(cost)));
        }
        return rows;
    }

    public Overview of(YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, String> planOf = plansAt(start, end);

        Map<String, Long> workspacesByPlan = new TreeMap<>();
        Map<String, BigDecimal> revenueByPlan = new TreeMap<>();
        Map<String, BigDecimal> revenueOf = new HashMap<>();
        planOf.forEach((workspace, plan) -> {
            BigDecimal price = priceOf(plan);
            workspacesByPlan.merge(plan, 1L, Long::sum);
            revenueByPlan.merge(plan, price, BigDecimal::add);
            revenueOf.put(workspace, price);
        });
        BigDecimal revenue = revenueByPlan.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);

        Map<String, Map<String, BigDecimal>> usageOf = usageByWorkspace(start, end);
        BigDecimal usageCost = usageOf.values().stream().flatMap(m -> m.values().stream()).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal numbersCost = numbersCostByWorkspace(start, end).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal cost = usageCost.add(numbersCost);
        BigDecimal margin = revenue.subtract(cost);
        BigDecimal marginPercent = revenue.signum() == 0 ? null
                : margin.multiply(BigDecimal.valueOf(100)).divide(revenue, 1, RoundingMode.HALF_EVEN);

        Map<String, BigDecimal> revenueByChannel = new LinkedHashMap<>();
        ATTRIBUTED.forEach(channel -> revenueByChannel.put(channel, BigDecimal.ZERO));
        revenueOf.forEach((workspace, earned) -> {
            Map<String, BigDecimal> usage = usageOf.getOrDefault(workspace, Map.of());
            BigDecimal total = usage.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            if (total.signum() == 0) {
                revenueByChannel.merge("NONE", earned, BigDecimal::add);
                return;
            }
            usage.forEach((channel, spent) -> revenueByChannel.merge(channel,
                    earned.multiply(spent).divide(total, 8, RoundingMode.HALF_EVEN), BigDecimal::add));
        });
        return new Overview(month, workspacesByPlan, revenueByPlan, revenue, revenueByChannel, numbersCost, usageCost, cost,
                margin, marginPercent, provisioning(start, end));
    }

    /** Each workspace's plan at the month's end (its last provisioning result before then), less those deleted before it began. */
    @SuppressWarnings("unchecked")
    private Map<String, String> plansAt(Instant start, Instant end) {
        List<Object[]> rows = em.createNativeQuery("select workspace_id, plan, status, occurred_at from (select distinct on "
                + "(workspace_id) workspace_id, plan, status, occurred_at from provisioning_event where occurred_at < ?1 and plan "
                + "is not null order by workspace_id, occurred_at desc, id desc) latest where not (status = 'REMOVED' and "
                + "occurred_at < ?2)").setParameter(1, Timestamp.from(end)).setParameter(2, Timestamp.from(start)).getResultList();
        Map<String, String> plans = new HashMap<>();
        rows.forEach(row -> plans.put((String) row[0], (String) row[1]));
        return plans;
    }

    private BigDecimal priceOf(String plan) {
        return switch (plan) {
            case "PRO" -> config.planPrices().pro();
            case "ENTERPRISE" -> config.planPrices().enterprise();
            default -> config.planPrices().starter();
        };
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, BigDecimal>> usageByWorkspace(Instant start, Instant end) {
        List<Object[]> rows = em.createNativeQuery("select workspace_id, channel, sum(cost) "
                + "from usage_hourly where hour >= ?1 and hour < ?2 group by 1, 2")
                .setParameter(1, Timestamp.from(start)).setParameter(2, Timestamp.from(end)).getResultList();
        Map<String, Map<String, BigDecimal>> usage = new HashMap<>();
        rows.forEach(row -> usage.computeIfAbsent((String) row[0], w -> new LinkedHashMap<>()).put((String) row[1], (BigDecimal) row[2]));
        return usage;
    }

    /** Each workspace's numbers: their monthly price prorated by the time held within the month (never the future). */
    @SuppressWarnings("unchecked")
    private Map<String, BigDecimal> numbersCostByWorkspace(Instant start, Instant end) {
        Instant until = end.isBefore(clock.instant()) ? end : clock.instant();
        Map<String, BigDecimal> costs = new HashMap<>();
        if (!until.isAfter(start)) {
            return costs;
        }
        List<Object[]> rows = em.createNativeQuery("select workspace_id, sum(extract(epoch from least(coalesce(active_to, ?2), ?2) "
                + "- greatest(active_from, ?1))) from number_interval where active_from < ?2 and (active_to is null or "
                + "active_to > ?1) group by 1").setParameter(1, Timestamp.from(start)).setParameter(2, Timestamp.from(until))
                .getResultList();
        long monthSeconds = Duration.between(start, end).toSeconds();
        rows.forEach(row -> costs.put((String) row[0], config.prices().numberPerMonth().multiply(new BigDecimal(row[1].toString()))
                .divide(BigDecimal.valueOf(monthSeconds), 8, RoundingMode.HALF_EVEN)));
        return costs;
    }

    @SuppressWarnings("unchecked")
    private Provisioning provisioning(Instant start, Instant end) {
        List<Object[]> outcomes = em.createNativeQuery("select status, coalesce(error_code, 'unknown'), count(*) from "
                + "provisioning_event where occurred_at >= ?1 and occurred_at < ?2 and status in ('ACTIVE', 'FAILED') group by 1, 2")
                .setParameter(1, Timestamp.from(start)).setParameter(2, Timestamp.from(end)).getResultList();
        long succeeded = 0;
        long failed = 0;
        Map<String, Long> reasons = new TreeMap<>();
        for (Object[] row : outcomes) {
            long count = ((Number) row[2]).longValue();
            if ("ACTIVE".equals(row[0])) {
                succeeded += count;
            } else {
                failed += count;
                reasons.merge((String) row[1], count, Long::sum);
            }
        }
        long attempts = succeeded + failed;
        BigDecimal rate = attempts == 0 ? null
                : BigDecimal.valueOf(succeeded * 100).divide(BigDecimal.valueOf(attempts), 1, RoundingMode.HALF_EVEN);
        // time to number: from the first PROVISIONING of a purchase to its ACTIVE, for numbers that came this month
        List<Object[]> events = em.createNativeQuery("select workspace_id, status, occurred_at from provisioning_event where "
                + "workspace_id in (select workspace_id from provisioning_event where status = 'ACTIVE' and occurred_at >= ?1 and "
                + "occurred_at < ?2) and occurred_at < ?2 and status in ('PROVISIONING', 'ACTIVE') order by workspace_id, occurred_at, id")
                .setParameter(1, Timestamp.from(start)).setParameter(2, Timestamp.from(end)).getResultList();
        List<Long> waits = new ArrayList<>();
        String workspace = null;
        Instant began = null;
        for (Object[] row : events) {
            if (!row[0].equals(workspace)) {
                workspace = (String) row[0];
                began = null;
            }
            Instant at = Times.instant(row[2]);
            if ("PROVISIONING".equals(row[1])) {
                began = began == null ? at : began;
            } else {
                if (began != null && !at.isBefore(start)) {
                    waits.add(Duration.between(began, at).toSeconds());
                }
                began = null;
            }
        }
        waits.sort(Long::compare);
        return new Provisioning(attempts, succeeded, failed, rate, reasons, percentile(waits, 50), percentile(waits, 95));
    }

    /** Nearest rank: the smallest value with at least p % of the values at or below it. */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

}
