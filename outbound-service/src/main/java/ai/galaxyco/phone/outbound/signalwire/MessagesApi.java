package ai.galaxyco.phone.outbound.signalwire;

import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.HttpUrl;

/** SignalWire's Messages resource. */
@ApplicationScoped
public class MessagesApi {

    private final SignalWireHttp http;

    public MessagesApi(SignalWireHttp http) {
        this.http = http;
    }

    /** What SignalWire answered to a send. */
    public record Accepted(String sid, String status, Integer segments, BigDecimal price, String priceUnit) {
    }

    /** Sends a message; {@code departure} is told the moment the request has left (see DepartureObserver), for pacing. */
    public Accepted send(String from, String to, String body, List<String> mediaUrls, String statusCallback,
            SignalWireHttp.DepartureObserver departure) {
        FormBody.Builder form = new FormBody.Builder().add("From", from).add("To", to).add("StatusCallback", statusCallback);
        if (body != null && !body.isEmpty()) {
            form.add("Body", body);
        }
        for (String url : mediaUrls) {
            form.add("MediaUrl", url);
        }
        return accepted(http.post(http.accountUrl().addPathSegments("Messages.json").build(), form.build(), departure));
    }

    private static Accepted accepted(JsonNode answer) {
        JsonNode price = answer.path("price");
        return new Accepted(answer.path("sid").asText(), answer.path("status").asText(null),
                answer.path("num_segments").canConvertToInt() || answer.path("num_segments").isTextual()
                        ? parseInt(answer.path("num_segments").asText()) : null,
                price.isNull() || price.isMissingNode() || price.asText().isBlank() ? null : new BigDecimal(price.asText()).abs(),
                answer.path("price_unit").asText(null));
    }

    /**
     * The message SignalWire already has from {@code from} to {@code to} with this body, created since {@code since}
     * (a minute of clock skew allowed), if any: asked before sending again after an ambiguous failure.
     */
    public Optional<Accepted> findSent(String from, String to, String body, Instant since) {
        Instant after = since.minusSeconds(60);
        HttpUrl url = http.accountUrl().addPathSegments("Messages.json").addQueryParameter("From", from)
                .addQueryParameter("To", to)
                .addQueryParameter("DateSent>", LocalDate.ofInstant(after, ZoneOffset.UTC).minusDays(1).toString())
                .addQueryParameter("PageSize", "100").build();
        for (JsonNode m : http.get(url).path("messages")) {
            boolean sameText = Objects.equals(body == null || body.isEmpty() ? null : body, m.path("body").asText(null));
            Instant created = parseDate(m.path("date_created").asText(null));
            if (sameText && from.equals(m.path("from").asText()) && to.equals(m.path("to").asText())
                    && (created == null || !created.isBefore(after))) {
                return Optional.of(accepted(m));
            }
        }
        return Optional.empty();
    }

    private static Instant parseDate(String rfc2822) {
        try {
            return rfc2822 == null ? null : ZonedDateTime.parse(rfc2822, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
