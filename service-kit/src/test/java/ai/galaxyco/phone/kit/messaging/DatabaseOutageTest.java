package ai.galaxyco.phone.kit.messaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** An unreachable database means "wait"; a broken event means "dead-letter". */
class DatabaseOutageTest {

    @Test
    void connectionFailuresAreOutages() {
        assertTrue(IdempotentConsumer.isDatabaseOutage(new RuntimeException(new SQLException("refused", "08001"))));
        assertTrue(IdempotentConsumer.isDatabaseOutage(new RuntimeException(new SQLException("terminating connection", "57P01"))));
        assertTrue(IdempotentConsumer.isDatabaseOutage(new IllegalStateException(new ConnectException("Connection refused"))));
        assertTrue(IdempotentConsumer.isDatabaseOutage(new RuntimeException(new SQLException("Acquisition timeout while waiting"))));
    }

    @Test
    void constraintAndDataErrorsAreNot() {
        assertFalse(IdempotentConsumer.isDatabaseOutage(new RuntimeException(new SQLException("duplicate key", "23505"))));
        assertFalse(IdempotentConsumer.isDatabaseOutage(new IllegalArgumentException("not a phone number")));
        assertFalse(IdempotentConsumer.isDatabaseOutage(new NullPointerException()));
    }
}
