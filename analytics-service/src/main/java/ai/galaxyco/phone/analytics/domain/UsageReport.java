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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workspace's usage and cost over a period, per day or hour, read from the ledger's hourly rollup. A fact's cost is SignalWire's
 * actual price where it reported one, else the estimate. Numbers cost their monthly price prorated by the time held
 * within each bucket (a number held 10 days of a 30-day month costs a third of its price).
 */
@ApplicationScoped
public class UsageReport {

    public enum Granularity {
        DAY(ChronoUnit.DAYS),
        HOUR(ChronoUnit.HOURS);

        final ChronoUnit unit;

        Granularity(ChronoUnit unit) {
            this.unit = unit;
        }
    }

    /** The channels costs are split by; NUMBERS is the dedicated numbers' monthly price. */
    public static final List<String> CHANNELS = List.of("SMS", "MMS", "WHATSAPP", "VOICE", "NUMBERS");

    /** One bucket's (or the whole period's) figures. Costs in USD, unrounded until shown. */
    public static final class Figures {
        public long messagesOutbound;
        public long messagesInbound;
        public long segmentsOutbound;
        public long calls;
        public long callSeconds;
        public final Map<String, BigDecimal> costByChannel = new LinkedHashMap<>();
        /** The same counts split by channel (what the CSV export shows a row of); they add up to the fields above. */
        public final Map<String, ChannelCounts> countsByChannel = new LinkedHashMap<>();

        Figures() {
            CHANNELS.forEach(channel -> {
                costByChannel.put(channel, BigDecimal.ZERO);
                countsByChannel.put(channel, new ChannelCounts());
            });
        }

        public BigDecimal cost() {
            return costByChannel.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        void add(String channel, BigDecimal cost) {
            costByChannel.merge(channel, cost, BigDecimal::add);
        }

        void addAll(Figures other) {
            messagesOutbound += other.messagesOutbound;
            messagesInbound += other.messagesInbound;
            segmentsOutbound += other.segmentsOutbound;
            calls += other.calls;
            callSeconds += other.callSeconds;
            other.costByChannel.forEach(this::add);
            other.countsByChannel.forEach((channel, counts) -> countsByChannel.computeIfAbsent(channel, c -> new ChannelCounts())
                    .addAll(counts));
        }

        /** Counts a rollup row of {@code kind} in {@code channel}: into the totals and the channel's own counts. */
        void count(String kind, String channel, long facts, long quantity) {
            ChannelCounts ofChannel = countsByChannel.computeIfAbsent(channel, c -> new ChannelCounts());
            switch (kind) {
                case "MESSAGE_OUTBOUND" -> {
                    messagesOutbound += facts;
                    segmentsOutbound += quantity;
                    ofChannel.messagesOutbound += facts;
                    ofChannel.segmentsOutbound += quantity;
                }
                case "MESSAGE_INBOUND" -> {
                    messagesInbound += facts;
                    ofChannel.messagesInbound += facts;
                }
                case "CALL" -> {
                    calls += facts;
                    callSeconds += quantity;
                    ofChannel.calls += facts;
                    ofChannel.callSeconds += quantity;
                }
                default -> {
                }
            }
        }
    }

    /** One channel's counts within a bucket. */
    public static final class ChannelCounts {
        public long messagesOutbound;
        public long messagesInbound;
        public long segmentsOutbound;
        public long calls;
        public long callSeconds;

        void addAll(ChannelCounts other) {
            messagesOutbound += other.messagesOutbound;
            messagesInbound += other.messagesInbound;
            segmentsOutbound += other.segmentsOutbound;
            calls += other.calls;
            callSeconds += other.callSeconds;
        }
    }

    public record Bucket(Instant start, Figures figures) {
    }

    public record Report(Figures totals, List<Bucket> series) {
    }

    private final EntityManager em;
    private final BigDecimal numberPerMonth;
    private final Clock clock;

    public UsageReport(EntityManager em, AnalyticsConfig config, Clock clock) {
        this.em = em;
        this.numberPerMonth = config.prices().numberPerMonth();
        this.clock = clock;
    }

    public Report of(String workspaceId, Instant from, Instant to, Granularity granularity) {
        Map<Instant, Figures> buckets = new LinkedHashMap<>();
        for (Instant start = from; start.isBefore(to); start = start.plus(1, granularity.unit)) {
            buckets.put(start, new Figures());
        }
        @SuppressWarnings("unchecked")
        // the hourly rollup (kept by a trigger on usage_fact), not the facts: a month is at most ~720 rows per kind and channel
        List<Object[]> rows = em.createNativeQuery("select date_trunc(?4, hour, 'UTC') as bucket, kind, channel, sum(facts), "
                + "sum(quantity), sum(cost) from usage_hourly where workspace_id = ?1 and hour >= ?2 and hour < ?3 group by 1, 2, 3")
                .setParameter(1, workspaceId).setParameter(2, Timestamp.from(from)).setParameter(3, Timestamp.from(to))
                .setParameter(4, granularity == Granularity.DAY ? "day" : "hour").getResultList();
        for (Object[] row : rows) {
            Figures figures = buckets.get(Times.instant(row[0]));
            if (figures == null) {
                continue;
            }
            figures.count((String) row[1], (String) row[2], ((Number) row[3]).longValue(), ((Number) row[4]).longValue());
            figures.add((String) row[2], (BigDecimal) row[5]);
        }
        addNumbers(workspaceId, from, to, granularity, buckets);
        Figures totals = new Figures();
        List<Bucket> series = new ArrayList<>();
        buckets.forEach((start, figures) -> {
            totals.addAll(figures);
            series.add(new Bucket(start, figures));
        });
        return new Report(totals, series);
    }

    /** Each held number's monthly price, prorated by the seconds it was held within each bucket (never the future). */
    private void addNumbers(String workspaceId, Instant from, Instant to, Granularity granularity, Map<Instant, Figures> buckets) {
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<Object[]> intervals = em.createNativeQuery("select active_from, active_to from number_interval where workspace_id = ?1 "
                + "and active_from < ?3 and (active_to is null or active_to > ?2)")
                .setParameter(1, workspaceId).setParameter(2, Timestamp.from(from)).setParameter(3, Timestamp.from(to))
                .getResultList();
        for (Object[] interval : intervals) {
            Instant heldFrom = Times.instant(interval[0]);
            Instant heldTo = interval[1] == null ? now : Times.instant(interval[1]);
            for (var bucket : buckets.entrySet()) {
                Instant start = max(bucket.getKey(), heldFrom);
                Instant end = min(min(bucket.getKey().plus(1, granularity.unit), heldTo), now);
                if (!end.isAfter(start)) {
                    continue;
                }
                long monthSeconds = YearMonth.from(bucket.getKey().atZone(ZoneOffset.UTC)).lengthOfMonth() * 86_400L;
                BigDecimal share = numberPerMonth.multiply(BigDecimal.valueOf(Duration.between(start, end).toSeconds()))
                        .divide(BigDecimal.valueOf(monthSeconds), 8, RoundingMode.HALF_EVEN);
                bucket.getValue().add("NUMBERS", share);
            }
        }
    }


    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
