package ai.galaxyco.phone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.values.MessageStatus;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageStatusTest {

    @Test
    void statusesOnlyMoveForwardAndTerminalOnesStay() {
        assertTrue(MessageStatus.SENDING.canMoveTo(MessageStatus.SENT));
        assertFalse(MessageStatus.SENT.canMoveTo(MessageStatus.SENDING));
        assertFalse(MessageStatus.DELIVERED.canMoveTo(MessageStatus.FAILED));
        assertEquals(List.of(MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED),
                Arrays.stream(MessageStatus.values()).filter(MessageStatus::isTerminal).toList());
    }

    @Test
    void whatEachServiceAsksOfAStatus() {
        assertEquals(List.of(MessageStatus.SENT, MessageStatus.DELIVERED),
                Arrays.stream(MessageStatus.values()).filter(MessageStatus::carrierAccepted).toList(), "routing's attribution");
        assertEquals(List.of(MessageStatus.DELIVERED, MessageStatus.UNDELIVERED),
                Arrays.stream(MessageStatus.values()).filter(MessageStatus::priced).toList(), "analytics' price settlement");
    }

    @Test
    void namesAreReadInAnyCaseAndUnknownOnesAreNone() {
        assertEquals(MessageStatus.DELIVERED, MessageStatus.named(" delivered "));
        assertNull(MessageStatus.named("READ"));
        assertNull(MessageStatus.named(null));
        assertEquals(MessageStatus.DELIVERED, MessageStatus.fromProvider("read"));
    }

    @Test
    void theDatabaseRanksAsTheEnumDoes() {
        assertEquals("(case s when 'QUEUED' then 0 when 'SENDING' then 1 when 'SENT' then 2 when 'DELIVERED' then 3 "
                + "when 'UNDELIVERED' then 3 when 'FAILED' then 3 else 3 end)", MessageStatus.sqlRank("s"));
    }
}
