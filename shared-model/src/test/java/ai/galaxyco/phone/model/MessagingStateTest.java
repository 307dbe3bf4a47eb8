package ai.galaxyco.phone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.values.MessagingState;
import org.junit.jupiter.api.Test;

class MessagingStateTest {

    @Test
    void onlyNumbersAwaitingRegistrationOrVerificationHoldTheirMessages() {
        assertTrue(MessagingState.allowsSending(null), "a number assigned before states existed");
        assertTrue(MessagingState.allowsSending("SENDABLE"));
        assertTrue(MessagingState.allowsSending("UNREGISTERED"), "sends as is; carriers may refuse it");
        assertFalse(MessagingState.allowsSending("PENDING_REGISTRATION"));
        assertFalse(MessagingState.allowsSending("VERIFICATION_PENDING"));
    }

    @Test
    void theSqlRuleIsTheSameRule() {
        assertEquals("(a.messaging is null or a.messaging not in ('PENDING_REGISTRATION', 'VERIFICATION_PENDING'))",
                MessagingState.sqlAllowsSending("a.messaging"));
    }
}
