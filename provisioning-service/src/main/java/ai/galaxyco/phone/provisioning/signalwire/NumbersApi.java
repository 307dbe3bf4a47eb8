package ai.galaxyco.phone.provisioning.signalwire;

import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import ai.galaxyco.phone.kit.signalwire.SignalWireHttp;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import okhttp3.FormBody;
import okhttp3.HttpUrl;

/** SignalWire's AvailablePhoneNumbers and IncomingPhoneNumbers resources. */
@ApplicationScoped
public class NumbersApi {

    private final SignalWireHttp http;

    public NumbersApi(SignalWireHttp http) {
        this.http = http;
    }

    /** A number the project owns. */
    public record OwnedNumber(String sid, String phoneNumber, String friendlyName) {
    }

    /** US local numbers for sale, optionally in one area code. */
    public List<String> searchLocal(String areaCode) {
        HttpUrl.Builder url = http.accountUrl().addPathSegments("AvailablePhoneNumbers/US/Local.json");
        if (areaCode != null) {
            url.addQueryParameter("AreaCode", areaCode);
        }
        List<String> numbers = new ArrayList<>();
        http.get(url.build()).path("available_phone_numbers").forEach(n -> numbers.add(n.path("phone_number").asText()));
        return numbers;
    }

    /**
     * Buys {@code e164}. A purchase whose answer was lost (no answer, or a 5xx) may still have gone through, so
     * before giving up the number is looked up: if the project now owns it under our tag, that is the purchase.
     */
    public OwnedNumber purchase(String e164, String friendlyName, String smsUrl, String voiceUrl, String statusCallback) {
        FormBody form = new FormBody.Builder()
                .add("PhoneNumber", e164)
                .add("FriendlyName", friendlyName)
                .add("SmsUrl", smsUrl).add("SmsMethod", "POST")
                // a second chance when the gateway cannot take the primary request (SignalWire does not retry it)
                .add("SmsFallbackUrl", fallback(smsUrl)).add("SmsFallbackMethod", "POST")
                .add("VoiceUrl", voiceUrl).add("VoiceMethod", "POST")
                .add("VoiceFallbackUrl", fallback(voiceUrl)).add("VoiceFallbackMethod", "POST")
                .add("StatusCallback", statusCallback).add("StatusCallbackMethod", "POST")
                .build();
        HttpUrl url = http.accountUrl().addPathSegments("IncomingPhoneNumbers.json").build();
        try {
            return owned(http.post(url, form));
        } catch (SignalWireException e) {
            if (e.httpStatus() != 0 && e.httpStatus() < 500) {
                throw e; // a clear refusal: nothing was bought
            }
            List<OwnedNumber> bought;
            try {
                bought = list("PhoneNumber", e164).stream().filter(n -> friendlyName.equals(n.friendlyName())).toList();
            } catch (SignalWireException lookupFailure) {
                e.addSuppressed(lookupFailure);
                throw e;
            }
            if (!bought.isEmpty()) {
                return bought.get(0);
            }
            if (e.httpStatus() == 0) {
                // no answer, and the look-up shows it did not happen (typically a connection the server had closed):
                // once more is safe
                return owned(http.post(url, form));
            }
            throw e;
        }
    }

    /** {@code …/api/webhooks/signalwire/sms} → {@code …/api/webhooks/signalwire/fallback/sms}. */
    static String fallback(String webhookUrl) {
        int slash = webhookUrl.lastIndexOf('/');
        return webhookUrl.substring(0, slash) + "/fallback" + webhookUrl.substring(slash);
    }

    /** Numbers the project owns under exactly this FriendlyName (our tag), e.g. one bought by a lost purchase. */
    public List<OwnedNumber> findTagged(String friendlyName) {
        return list("FriendlyName", friendlyName);
    }

    private List<OwnedNumber> list(String filter, String value) {
        List<OwnedNumber> found = new ArrayList<>();
        HttpUrl url = http.accountUrl().addPathSegments("IncomingPhoneNumbers.json").addQueryParameter(filter, value).build();
        http.get(url).path("incoming_phone_numbers").forEach(n -> found.add(owned(n)));
        return found;
    }

    /** Every number the project owns, following the pages. */
    public List<OwnedNumber> listAll() {
        List<OwnedNumber> all = new ArrayList<>();
        HttpUrl next = http.accountUrl().addPathSegments("IncomingPhoneNumbers.json")
                .addQueryParameter("PageSize", "1000").build();
        while (next != null) {
            JsonNode page = http.get(next);
            if (!page.path("incoming_phone_numbers").isArray()) {
                // never judge the inventory by a listing we cannot read: that would look like "everything is gone"
                throw new SignalWireException(200, null, "IncomingPhoneNumbers listing without incoming_phone_numbers", null);
            }
            page.path("incoming_phone_numbers").forEach(n -> all.add(owned(n)));
            String nextUri = page.path("next_page_uri").isTextual() ? page.path("next_page_uri").asText() : null;
            next = nextUri == null ? null : next.resolve(nextUri);
        }
        return all;
    }

    /** Releases a number; one that SignalWire no longer knows counts as released. */
    public void release(String sid) {
        try {
            http.delete(http.accountUrl().addPathSegment("IncomingPhoneNumbers").addPathSegment(sid + ".json").build());
        } catch (SignalWireException e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
        }
    }

    private static OwnedNumber owned(JsonNode n) {
        return new OwnedNumber(n.path("sid").asText(), n.path("phone_number").asText(), n.path("friendly_name").asText(null));
    }
}
