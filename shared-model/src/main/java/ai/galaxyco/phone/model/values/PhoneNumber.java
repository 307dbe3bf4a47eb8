package ai.galaxyco.phone.model.values;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A telephone number in E.164 form ("+14155550100"). Always built through libphonenumber so that
 * every service compares numbers in exactly one spelling: a routing key that differs by a space
 * or a missing "+1" would send a message to the wrong tenant.
 */
public record PhoneNumber(String e164) implements Comparable<PhoneNumber> {

    /** Region assumed for numbers written without a country code, as SignalWire's US numbers are. */
    public static final String DEFAULT_REGION = "US";
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /**
     * Spellings parsed before. Every event carries two or three numbers and the same ones recur; libphonenumber's
     * parse (regular expressions) was the largest CPU item of a consumer under an inbound flood (JFR). A parse is a
     * pure function of its input, so the result is kept; the map is emptied when full rather than evicted entry by entry.
     */
    private static final int PARSED_LIMIT = 20_000;
    private static final ConcurrentHashMap<String, PhoneNumber> PARSED = new ConcurrentHashMap<>();

    public PhoneNumber {
        if (e164 == null || !e164.startsWith("+")) {
            throw new InvalidValueException("not an E.164 number: " + e164);
        }
    }

    /**
     * Parses any common spelling of a number that could exist (length and country code are
     * plausible). Use {@link #isValid()} where a number must be dialable, e.g. an outbound recipient.
     */
    @JsonCreator
    public static PhoneNumber parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidValueException("phone number is missing");
        }
        PhoneNumber known = PARSED.get(raw);
        if (known != null) {
            return known;
        }
        try {
            var parsed = UTIL.parse(raw.trim(), DEFAULT_REGION);
            if (!UTIL.isPossibleNumber(parsed)) {
                throw new InvalidValueException("not a possible phone number: " + raw);
            }
            PhoneNumber number = new PhoneNumber(UTIL.format(parsed, PhoneNumberFormat.E164));
            if (PARSED.size() >= PARSED_LIMIT) {
                PARSED.clear();
            }
            PARSED.put(raw, number);
            return number;
        } catch (NumberParseException e) {
            throw new InvalidValueException("not a phone number: " + raw + " (" + e.getMessage() + ")", e);
        }
    }

    /** True when libphonenumber knows the number as assigned in its numbering plan. */
    public boolean isValid() {
        try {
            return UTIL.isValidNumber(UTIL.parse(e164, DEFAULT_REGION));
        } catch (NumberParseException e) {
            return false;
        }
    }

    /** True for toll-free numbers (US 8xx), which carriers let send faster than local long codes. */
    public boolean isTollFree() {
        try {
            return UTIL.getNumberType(UTIL.parse(e164, DEFAULT_REGION)) == PhoneNumberUtil.PhoneNumberType.TOLL_FREE;
        } catch (NumberParseException e) {
            return false;
        }
    }

    /** The three-digit area code of a North American number, or null for other countries. */
    public String northAmericanAreaCode() {
        return e164.startsWith("+1") && e164.length() == 12 ? e164.substring(2, 5) : null;
    }

    @JsonValue
    @Override
    public String e164() {
        return e164;
    }

    @Override
    public int compareTo(PhoneNumber other) {
        return e164.compareTo(other.e164);
    }

    @Override
    public String toString() {
        return e164;
    }
}
