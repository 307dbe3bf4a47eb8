package ai.galaxyco.phone.analytics.signalwire;

import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;

/** What SignalWire charged for a message or a call: its Message and Call resources' price fields. */
@ApplicationScoped
public class PricesApi {

    private final SignalWireHttp http;

    public PricesApi(SignalWireHttp http) {
        this.http = http;
    }

    /**
     * A resource's price as SignalWire states it. {@code amount} is positive (SignalWire writes money leaving the account
     * as a negative number) and null while SignalWire has not priced it yet; {@code quantity} is the message's segment
     * count or the call's duration in seconds, when given.
     */
    public record Price(BigDecimal amount, String unit, Integer quantity) {
    }

    public boolean isConfigured() {
        return http.isConfigured();
    }

    /** {@code GET Messages/{sid}.json}: price, price_unit and num_segments. */
    public Price ofMessage(String sid) {
        JsonNode message = http.get(http.accountUrl().addPathSegment("Messages").addPathSegment(sid + ".json").build());
        return price(message, "num_segments");
    }

    /** {@code GET Calls/{sid}.json}: price, price_unit and duration. */
    public Price ofCall(String sid) {
        JsonNode call = http.get(http.accountUrl().addPathSegment("Calls").addPathSegment(sid + ".json").build());
        return price(call, "duration");
    }

    private static Price price(JsonNode resource, String quantityField) {
        JsonNode price = resource.path("price");
        BigDecimal amount = price.isNull() || price.isMissingNode() || price.asText().isBlank() ? null
                : new BigDecimal(price.asText()).abs();
        JsonNode quantity = resource.path(quantityField);
        Integer count = null;
        if (!quantity.isNull() && !quantity.isMissingNode()) {
            try {
                count = Integer.valueOf(quantity.asText().trim());
            } catch (NumberFormatException e) {
                count = null; // SignalWire left it out or wrote something else: keep our own count
            }
        }
        return new Price(amount, resource.path("price_unit").asText(null), count);
    }
}
