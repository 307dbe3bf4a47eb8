package ai.galaxyco.phone.model.values;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Where the platform lets a tenant send messages or forward calls, which both cost us money per use: numbers of the
 * allowed countries only (ISO regions, e.g. US, CA), and never a number type that bills the caller beyond a normal
 * call or message (premium rate, shared cost, UAN, personal numbers, pagers, voicemail access), which is where
 * revenue-share fraud and SMS pumping cash in. Both are judged by libphonenumber's metadata, the one classification
 * every service uses. Messaging and forwarding each hold their own policy (MESSAGING_ALLOWED_COUNTRIES,
 * FORWARDING_ALLOWED_COUNTRIES).
 */
public record DestinationPolicy(Set<String> allowedRegions) {

    /** Number types refused whatever the country. */
    public static final Set<PhoneNumberType> REFUSED_TYPES = EnumSet.of(PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST,
            PhoneNumberType.UAN, PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.PAGER, PhoneNumberType.VOICEMAIL);
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /** Why a destination is refused; {@code code} is the problem code the API answers with. */
    public enum Reason {
        /** Not a number of any numbering plan libphonenumber knows (UNKNOWN or invalid). */
        INVALID("destination_invalid"),
        /** A refused number type ({@link #REFUSED_TYPES}). */
        NUMBER_TYPE("destination_number_type_not_allowed"),
        /** A country outside the allowed regions. */
        COUNTRY("destination_country_not_allowed");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** A refusal: the reason and a sentence naming the number, its country and type. */
    public record Refusal(Reason reason, String detail) {
    }

    public DestinationPolicy {
        allowedRegions = allowedRegions.stream().map(r -> r.strip().toUpperCase(Locale.ROOT)).filter(r -> !r.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        for (String region : allowedRegions) {
            if (!UTIL.getSupportedRegions().contains(region)) {
                throw new InvalidValueException("not an ISO region with a numbering plan: " + region);
            }
        }
        allowedRegions = Set.copyOf(allowedRegions);
    }

    /** From a comma-separated list of ISO regions, as the configuration gives it ("US,CA"). */
    public static DestinationPolicy of(String regions) {
        return new DestinationPolicy(Set.copyOf(Arrays.asList(regions.split(","))));
    }

    /**
     * From a list of ISO regions as an API request gives it.
     *
     * @throws InvalidValueException for an empty list, a missing entry or a region without a numbering plan
     */
    public static DestinationPolicy of(java.util.List<String> regions) {
        if (regions == null || regions.isEmpty() || regions.stream().anyMatch(r -> r == null || r.isBlank())) {
            throw new InvalidValueException("allowedCountries is a non-empty list of ISO regions, such as [\"US\", \"CA\"]");
        }
        return new DestinationPolicy(Set.copyOf(regions));
    }

    /** The region libphonenumber gives the number (e.g. "US"), or "ZZ" when it knows none. */
    public static String regionOf(PhoneNumber number) {
        String region = UTIL.getRegionCodeForNumber(parsed(number));
        return region == null ? "ZZ" : region;
    }

    /** libphonenumber's type of the number; UNKNOWN for numbers outside any plan. */
    public static PhoneNumberType typeOf(PhoneNumber number) {
        return UTIL.getNumberType(parsed(number));
    }

    /** Empty when the number may be used; else why not. */
    public Optional<Refusal> refusalOf(PhoneNumber number) {
        var parsed = parsed(number);
        PhoneNumberType type = UTIL.getNumberType(parsed);
        if (!UTIL.isValidNumber(parsed) || type == PhoneNumberType.UNKNOWN) {
            return Optional.of(new Refusal(Reason.INVALID, number + " is not a valid, dialable number"));
        }
        String region = regionOf(number);
        if (REFUSED_TYPES.contains(type)) {
            return Optional.of(new Refusal(Reason.NUMBER_TYPE, number + " is a " + describe(type) + " number (" + region
                    + "), which the platform never pays for"));
        }
        if (!allowedRegions.contains(region)) {
            return Optional.of(new Refusal(Reason.COUNTRY, number + " is a number of " + region + "; allowed here: "
                    + String.join(", ", new TreeSet<>(allowedRegions))));
        }
        return Optional.empty();
    }

    private static String describe(PhoneNumberType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static com.google.i18n.phonenumbers.Phonenumber.PhoneNumber parsed(PhoneNumber number) {
        try {
            return UTIL.parse(number.e164(), PhoneNumber.DEFAULT_REGION);
        } catch (NumberParseException e) {
            throw new InvalidValueException("not a phone number: " + number, e);
        }
    }
}
