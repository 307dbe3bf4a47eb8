package ai.galaxyco.phone.gateway.domain;

import ai.galaxyco.phone.model.values.PhoneNumber;

/** Reads SignalWire's From/To values: E.164, possibly with a {@code whatsapp:} prefix. */
public final class Addresses {

    public static final String WHATSAPP_PREFIX = "whatsapp:";

    private Addresses() {
    }

    public static boolean isWhatsApp(String raw) {
        return raw != null && raw.regionMatches(true, 0, WHATSAPP_PREFIX, 0, WHATSAPP_PREFIX.length());
    }

    public static PhoneNumber number(String field, String raw) {
        String value = isWhatsApp(raw) ? raw.substring(WHATSAPP_PREFIX.length()) : raw;
        try {
            return PhoneNumber.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidWebhookException(field + ": " + e.getMessage());
        }
    }
}
