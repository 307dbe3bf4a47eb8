package ai.galaxyco.phone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.values.MessageText;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void messageTextWithNulIsStoredWithReplacementCharactersAndKeptExactlyBeside() {
        String received = "Meet me \u0000 noon";
        assertEquals("Meet me \uFFFD noon", MessageText.storable(received));
        assertEquals(received, MessageText.fromOriginal(MessageText.original(received)));
        assertNull(MessageText.original("no NUL here \u0001\uFEFF"), "text PostgreSQL can hold needs no copy");
        assertEquals("no NUL here", MessageText.storable("no NUL here"));
        assertNull(MessageText.storable(null));
        assertTrue(MessageText.containsNul("\u0000"));
        assertFalse(MessageText.containsNul(null));
    }

    @Test
    void phoneNumbersOfAnySpellingBecomeOneE164Form() {
        assertEquals("+14155550100", PhoneNumber.parse("+1 (415) 555-0100").e164());
        assertEquals("+14155550100", PhoneNumber.parse("415.555.0100").e164());
        assertEquals("+14155550100", PhoneNumber.parse("  +14155550100 ").e164());
        assertEquals("+447911123456", PhoneNumber.parse("+44 7911 123456").e164());
        assertEquals(PhoneNumber.parse("(415) 555-0100"), PhoneNumber.parse("+14155550100"));
    }

    @Test
    void aSpellingParsedBeforeGivesTheSameNumberAndARefusedOneIsRefusedAgain() {
        for (int round = 0; round < 2; round++) { // the second round is answered from the parsed spellings
            assertEquals("+14155550100", PhoneNumber.parse(" (415) 555-0100 ").e164());
            assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse("555"));
        }
        for (int i = 0; i < 25_000; i++) { // more spellings than are kept: still each parsed right
            assertEquals(String.format("+1212555%04d", i % 10_000), PhoneNumber.parse(String.format("212-555-%04d", i % 10_000)
                    + " ".repeat(i / 10_000)).e164());
        }
    }

    @Test
    void impossibleNumbersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse("12"));
        assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse("hello"));
        assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse(""));
        assertThrows(IllegalArgumentException.class, () -> PhoneNumber.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new PhoneNumber("4155550100"));
    }

    @Test
    void validityAndAreaCode() {
        assertTrue(PhoneNumber.parse("+12125550143").isValid());
        assertFalse(PhoneNumber.parse("+15555550143").isValid()); // 555 is no area code
        assertEquals("212", PhoneNumber.parse("+12125550143").northAmericanAreaCode());
        assertNull(PhoneNumber.parse("+447911123456").northAmericanAreaCode());
        assertTrue(PhoneNumber.parse("+18335550100").isTollFree());
        assertFalse(PhoneNumber.parse("+12125550143").isTollFree());
    }

    @Test
    void plansReadCaseInsensitivelyWithStarterAsDefault() {
        assertEquals(Plan.PRO, Plan.fromClerk("Pro"));
        assertEquals(Plan.ENTERPRISE, Plan.fromClerk("ENTERPRISE"));
        assertEquals(Plan.PRO, Plan.fromClerk("pro-plan"));
        assertEquals(Plan.STARTER, Plan.fromClerk(null));
        assertEquals(Plan.STARTER, Plan.fromClerk(" "));
        assertThrows(IllegalArgumentException.class, () -> Plan.fromClerk("platinum"));
        assertTrue(Plan.PRO.hasDedicatedNumber());
        assertFalse(Plan.STARTER.hasDedicatedNumber());
    }

    @Test
    void workspaceIdsAreChecked() {
        assertEquals("org_2g7np7Hrk0SN6kj5EDMLDaKNL0S", WorkspaceId.of("org_2g7np7Hrk0SN6kj5EDMLDaKNL0S").value());
        assertThrows(IllegalArgumentException.class, () -> WorkspaceId.of("org 1"));
        assertThrows(IllegalArgumentException.class, () -> WorkspaceId.of("x'; drop table"));
        assertThrows(IllegalArgumentException.class, () -> WorkspaceId.of(""));
    }

    @Test
    void topicsAreUniqueAndOnlyStateTopicsAreCompacted() {
        assertEquals(Topics.ALL.size(), Topics.ALL.stream().map(Topic::name).distinct().count());
        assertEquals(Topics.ALL.size(), Topics.ALL.stream().map(Topic::eventType).distinct().count());
        // state per key (the current owner, today's total), never a stream of facts a compaction would lose
        assertEquals(java.util.List.of(Topics.NUMBER_ASSIGNMENTS, Topics.FORWARDING_USAGE),
                Topics.ALL.stream().filter(Topic::compacted).toList());
        assertEquals("inbound-messages.dlq", Topics.INBOUND_MESSAGES.deadLetter());
    }
}
