package ai.galaxyco.phone.console.domain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A workspace's usage for a period as the analytics service answers it (money as decimal strings). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Usage(String from, String to, String currency, Totals totals, List<Day> series) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Totals(long messagesOutbound, long messagesInbound, long segmentsOutbound, long calls, long callSeconds,
            String cost, Map<String, String> costByChannel) {

        /** Call time in whole minutes, rounded up as people read a phone bill. */
        public long callMinutes() {
            return (callSeconds + 59) / 60;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Day(Instant start, long messagesOutbound, long messagesInbound, String cost) {

        public String date() {
            return start.toString().substring(0, 10);
        }
    }

    /** The highest day's cost, to scale the chart's bars (never zero). */
    public BigDecimal highestDay() {
        return series.stream().map(d -> new BigDecimal(d.cost())).reduce(new BigDecimal("0.0001"), BigDecimal::max);
    }

    /** A day's bar height in percent of the highest. */
    public int heightOf(Day day) {
        return new BigDecimal(day.cost()).multiply(BigDecimal.valueOf(100))
                .divide(highestDay(), 0, java.math.RoundingMode.HALF_UP).intValue();
    }

    /** The period's calls by outcome, from routing's call log. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CallOutcomes(java.util.Map<String, Long> counts, long total) {

        public long of(String outcome) {
            return counts == null ? 0 : counts.getOrDefault(outcome, 0L);
        }
    }
}
