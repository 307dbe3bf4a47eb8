package ai.galaxyco.phone.gateway.domain;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A SignalWire webhook as received: its POST form parameters in submission order (what the signature covers),
 * its query parameters, and the raw body. Parameters may arrive either way, so {@link #param} looks at both.
 */
public record SignalWireRequest(List<Map.Entry<String, String>> form, List<Map.Entry<String, String>> query, byte[] rawBody,
        boolean json) {

    public static SignalWireRequest parse(String contentType, String rawQuery, byte[] body) {
        byte[] raw = body == null ? new byte[0] : body;
        boolean json = contentType != null && contentType.toLowerCase().startsWith("application/json");
        List<Map.Entry<String, String>> form = json || raw.length == 0 ? List.of() : pairs(utf8(raw));
        return new SignalWireRequest(form, rawQuery == null ? List.of() : pairs(rawQuery), raw, json);
    }

    /** The first value of a parameter, from the form or else the query string. */
    public String param(String name) {
        for (Map.Entry<String, String> p : form) {
            if (p.getKey().equals(name)) {
                return p.getValue();
            }
        }
        for (Map.Entry<String, String> p : query) {
            if (p.getKey().equals(name)) {
                return p.getValue();
            }
        }
        return null;
    }

    public String required(String name) {
        String value = param(name);
        if (value == null || value.isBlank()) {
            throw new InvalidWebhookException("missing parameter " + name);
        }
        return value;
    }

    /**
     * A provider id (MessageSid, SmsSid, CallSid, RecordingSid), or null when absent. It becomes part of an event id, a
     * Kafka key and database keys, so it is bounded: 1 to 64 letters, digits and '-' (SignalWire's UUIDs, Twilio-style
     * {@code SM…}/{@code CA…}); anything else is refused.
     */
    public String providerId(String name) {
        String value = param(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!PROVIDER_ID.matcher(value).matches()) {
            throw new InvalidWebhookException(name + " must be 1 to 64 letters, digits or '-'");
        }
        return value;
    }

    /** A provider id that must be present (see {@link #providerId}). */
    public String requiredProviderId(String name) {
        String value = providerId(name);
        if (value == null) {
            throw new InvalidWebhookException("missing parameter " + name);
        }
        return value;
    }

    private static final java.util.regex.Pattern PROVIDER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

    private static List<Map.Entry<String, String>> pairs(String encoded) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        if (encoded.isEmpty()) {
            return pairs;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                pairs.add(Map.entry(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                throw new InvalidWebhookException("malformed form encoding: " + e.getMessage());
            }
        }
        return pairs;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidWebhookException("body is not valid UTF-8");
        }
    }
}
