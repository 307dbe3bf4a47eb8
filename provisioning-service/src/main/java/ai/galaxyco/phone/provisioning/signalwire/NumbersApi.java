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

    /** A number the project owns, with its webhook configuration as SignalWire holds it. */
    public record OwnedNumber(String sid, String phoneNumber, String friendlyName, Webhooks webhooks) {
    }

    /**
     * The webhook URLs of a number: where SignalWire posts its SMS and calls, the fallbacks it tries when those fail,
     * and the inbound-call status callback. Every number we buy gets {@link #forGateway(String)}.
     */
    public record Webhooks(String smsUrl, String smsFallbackUrl, String voiceUrl, String voiceFallbackUrl, String statusCallback) {

        /** The gateway's URLs under NEXT_PUBLIC_APP_URL. */
        public static Webhooks forGateway(String publicUrl) {
            String base = publicUrl.replaceAll("/+$", "") + "/api/webhooks/signalwire/";
            return new Webhooks(base + "sms", base + "fallback/sms", base + "voice", base + "fallback/voice", base + "status");
        }

        /** What differs from {@code wanted}, one "field: is → should be" line each; empty when nothing does. */
        public java.util.List<String> differencesFrom(Webhooks wanted) {
            java.util.List<String> differences = new ArrayList<>();
            String[][] fields = {{"SmsUrl", smsUrl, wanted.smsUrl}, {"SmsFallbackUrl", smsFallbackUrl, wanted.smsFallbackUrl},
                {"VoiceUrl", voiceUrl, wanted.voiceUrl}, {"VoiceFallbackUrl", voiceFallbackUrl, wanted.voiceFallbackUrl},
                {"StatusCallback", statusCallback, wanted.statusCallback}};
            for (String[] f : fields) {
                if (!java.util.Objects.equals(blankToNull(f[1]), blankToNull(f[2]))) {
                    differences.add(f[0] + ": " + f[1] + " → " + f[2]);
                }
            }
            return differences;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }

        FormBody.Builder addTo(FormBody.Builder form) {
            return form.add("SmsUrl", smsUrl).add("SmsMethod", "POST")
                    // a second chance when the gateway cannot take the primary request (SignalWire does not retry it)
                    .add("SmsFallbackUrl", smsFallbackUrl).add("SmsFallbackMethod", "POST")
                    .add("VoiceUrl", voiceUrl).add("VoiceMethod", "POST")
                    .add("VoiceFallbackUrl", voiceFallbackUrl).add("VoiceFallbackMethod", "POST")
                    .add("StatusCallback", statusCallback).add("StatusCallbackMethod", "POST");
        }
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

    /** US toll-free numbers for sale (NUMBER_TYPE=toll-free). */
    public List<String> searchTollFree() {
        List<String> numbers = new ArrayList<>();
        http.get(http.accountUrl().addPathSegments("AvailablePhoneNumbers/US/TollFree.json").build()).path("available_phone_numbers")
                .forEach(n -> numbers.add(n.path("phone_number").asText()));
        return numbers;
    }

    /**
     * Buys {@code e164}. A purchase whose answer was lost (no answer, or a 5xx) may still have gone through, so
     * before giving up the number is looked up: if the project now owns it under our tag, that is the purchase.
     */
    public OwnedNumber purchase(String e164, String friendlyName, Webhooks webhooks) {
        FormBody form = webhooks.addTo(new FormBody.Builder().add("PhoneNumber", e164).add("FriendlyName", friendlyName)).build();
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

    /** Sets a number's webhook URLs (an update of the IncomingPhoneNumber); what drift repair does. */
    public OwnedNumber configure(String sid, Webhooks webhooks) {
        return owned(http.post(http.accountUrl().addPathSegment("IncomingPhoneNumbers").addPathSegment(sid + ".json").build(),
                webhooks.addTo(new FormBody.Builder()).build()));
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
        return new OwnedNumber(n.path("sid").asText(), n.path("phone_number").asText(), n.path("friendly_name").asText(null),
                new Webhooks(n.path("sms_url").asText(null), n.path("sms_fallback_url").asText(null), n.path("voice_url").asText(null),
                        n.path("voice_fallback_url").asText(null), n.path("status_callback").asText(null)));
    }
}
