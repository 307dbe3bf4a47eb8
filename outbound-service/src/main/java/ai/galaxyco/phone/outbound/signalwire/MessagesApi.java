package ai.galaxyco.phone.outbound.signalwire;

import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;
import okhttp3.FormBody;

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

    /** Sends a message; {@code departure} is told the moment the request starts to leave, for pacing. */
    public Accepted send(String from, String to, String body, List<String> mediaUrls, String statusCallback,
            SignalWireHttp.DepartureObserver departure) {
        FormBody.Builder form = new FormBody.Builder().add("From", from).add("To", to).add("StatusCallback", statusCallback);
        if (body != null && !body.isEmpty()) {
            form.add("Body", body);
        }
        for (String url : mediaUrls) {
            form.add("MediaUrl", url);
        }
        JsonNode answer = http.post(http.accountUrl().addPathSegments("Messages.json").build(), form.build(), departure);
        JsonNode price = answer.path("price");
        return new Accepted(answer.path("sid").asText(), answer.path("status").asText(null),
                answer.path("num_segments").canConvertToInt() || answer.path("num_segments").isTextual()
                        ? parseInt(answer.path("num_segments").asText()) : null,
                price.isNull() || price.isMissingNode() || price.asText().isBlank() ? null : new BigDecimal(price.asText()).abs(),
                answer.path("price_unit").asText(null));
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
