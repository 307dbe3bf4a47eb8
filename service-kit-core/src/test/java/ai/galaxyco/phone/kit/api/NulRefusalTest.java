package ai.galaxyco.phone.kit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NulRefusalTest {

    @Test
    void anEncodedNulInThePathQueryOrAHeaderIsFound() {
        assertEquals("the path", NulRefusal.whereNul("/api/workspaces/org%00x/conversations", null, Map.of()));
        assertEquals("the query", NulRefusal.whereNul("/api/x", "inbox=%00", Map.of()));
        assertEquals("the query", NulRefusal.whereNul("/api/x", "a=1&b=x%00y", Map.of()));
        assertEquals("header Idempotency-Key", NulRefusal.whereNul("/api/x", null, Map.of("Idempotency-Key", List.of("k\0"))));
        // "%2500" is the text "%00", not a NUL
        assertNull(NulRefusal.whereNul("/api/x%2500", "q=%2500&r=100", Map.of("Accept", List.of("*/*"))));
    }

    @Test
    void aNulEscapeInAJsonStringIsFoundButAnEscapedBackslashBeforeU0000IsText() {
        assertTrue(holds("{\"body\":\"a\\u0000b\"}"));
        assertTrue(holds("{\"a\\u0000\":1}"));
        assertTrue(holds("[\"\\\\\\u0000\"]")); // an escaped backslash, then a NUL escape
        assertTrue(NulRefusingJsonReader.holdsNul(new byte[] {'"', 0, '"'}));
        assertFalse(holds("{\"body\":\"a\\\\u0000b\"}")); // the six characters \u0000 as text
        assertFalse(holds("{\"body\":\"\\u00001\"}".replace("\\u0000", "\\u0001")));
        assertFalse(holds("{\"body\":\"u0000\"}"));
        assertFalse(holds("{\"body\":\"\\u000\"}"));
    }

    private static boolean holds(String json) {
        return NulRefusingJsonReader.holdsNul(json.getBytes(StandardCharsets.UTF_8));
    }
}
