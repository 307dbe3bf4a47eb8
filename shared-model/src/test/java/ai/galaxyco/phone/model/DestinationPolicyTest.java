package ai.galaxyco.phone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.values.DestinationPolicy;
import ai.galaxyco.phone.model.values.DestinationPolicy.Reason;
import ai.galaxyco.phone.model.values.InvalidValueException;
import ai.galaxyco.phone.model.values.PhoneNumber;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Each refused type with a number libphonenumber classifies so, the classification asserted first: a metadata update
 * that reclassified the number would fail here rather than let the refusal pass for the wrong reason.
 */
class DestinationPolicyTest {

    private static final DestinationPolicy US_CA = DestinationPolicy.of("US,CA");
    /** Every region of the refused examples allowed: what refuses them is their type alone. */
    private static final DestinationPolicy WORLD = DestinationPolicy.of("US,CA,GB,FR,DE");

    @ParameterizedTest
    @CsvSource({
            "+19002345678, PREMIUM_RATE, US",
            "+33884012345, SHARED_COST, FR",
            "+445512345678, UAN, GB",
            "+15002345678, PERSONAL_NUMBER, US",
            "+447640123456, PAGER, GB",
            "+49177991234567, VOICEMAIL, DE"})
    void refusedTypesAreRefusedInEveryAllowedCountry(String number, PhoneNumberType type, String region) {
        PhoneNumber phone = PhoneNumber.parse(number);
        assertEquals(type, DestinationPolicy.typeOf(phone), "libphonenumber's classification of " + number);
        assertEquals(region, DestinationPolicy.regionOf(phone));
        assertEquals(Reason.NUMBER_TYPE, WORLD.refusalOf(phone).orElseThrow().reason());
        assertEquals("destination_number_type_not_allowed", WORLD.refusalOf(phone).orElseThrow().reason().code());
    }

    @ParameterizedTest
    @CsvSource({
            "+14155550150, FIXED_LINE_OR_MOBILE, US",
            "+16135550123, FIXED_LINE_OR_MOBILE, CA",
            "+18005550199, TOLL_FREE, US"})
    void ordinaryNumbersOfAllowedCountriesPass(String number, PhoneNumberType type, String region) {
        PhoneNumber phone = PhoneNumber.parse(number);
        assertEquals(type, DestinationPolicy.typeOf(phone));
        assertEquals(region, DestinationPolicy.regionOf(phone));
        assertEquals(Optional.empty(), US_CA.refusalOf(phone));
    }

    @Test
    void otherCountriesAreRefusedUnlessAllowed() {
        PhoneNumber british = PhoneNumber.parse("+447400123456");
        assertEquals(PhoneNumberType.MOBILE, DestinationPolicy.typeOf(british));
        var refusal = US_CA.refusalOf(british).orElseThrow();
        assertEquals(Reason.COUNTRY, refusal.reason());
        assertTrue(refusal.detail().contains("GB") && refusal.detail().contains("CA, US"), refusal.detail());
        assertEquals(Optional.empty(), WORLD.refusalOf(british));
    }

    @Test
    void numbersOfNoPlanAreInvalid() {
        PhoneNumber unassigned = PhoneNumber.parse("+12125550"); // possible length for parsing, but no such number
        assertEquals(Reason.INVALID, WORLD.refusalOf(PhoneNumber.parse("+19995551234")).orElseThrow().reason());
        assertEquals(Reason.INVALID, WORLD.refusalOf(unassigned).orElseThrow().reason());
    }

    @Test
    void regionsAreIsoRegionsWithANumberingPlan() {
        assertEquals(java.util.Set.of("CA", "US"), DestinationPolicy.of(" us, CA ,").allowedRegions());
        assertThrows(InvalidValueException.class, () -> DestinationPolicy.of("US,XX"));
    }
}
