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

    @Test
    void refusedDataIsADataErrorThatNoRetryCanFix() {
        assertTrue(IdempotentConsumer.isDataError(new RuntimeException(
                new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"))));
        assertTrue(IdempotentConsumer.isDataError(new RuntimeException(new SQLException("null value in column", "23502"))));
        assertFalse(IdempotentConsumer.isDataError(new RuntimeException(new SQLException("duplicate key", "23505"))),
                "a concurrent writer's unique violation is resolved by a retry");
        assertFalse(IdempotentConsumer.isDataError(new RuntimeException(new SQLException("refused", "08001"))));
        assertFalse(IdempotentConsumer.isDataError(new IllegalStateException("no SQL involved")));
    }
}
