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

    public OwnedNumber purchase(String e164, String friendlyName, String smsUrl, String voiceUrl, String statusCallback) {
        FormBody form = new FormBody.Builder()
                .add("PhoneNumber", e164)
                .add("FriendlyName", friendlyName)
                .add("SmsUrl", smsUrl).add("SmsMethod", "POST")
                .add("VoiceUrl", voiceUrl).add("VoiceMethod", "POST")
                .add("StatusCallback", statusCallback).add("StatusCallbackMethod", "POST")
                .build();
        return owned(http.post(http.accountUrl().addPathSegments("IncomingPhoneNumbers.json").build(), form));
    }

    /** Every number the project owns, following the pages. */
    public List<OwnedNumber> listAll() {
        List<OwnedNumber> all = new ArrayList<>();
        HttpUrl next = http.accountUrl().addPathSegments("IncomingPhoneNumbers.json")
                .addQueryParameter("PageSize", "1000").build();
        while (next != null) {
            JsonNode page = http.get(next);
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
