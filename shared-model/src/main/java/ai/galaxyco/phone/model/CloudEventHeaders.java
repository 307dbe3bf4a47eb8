package ai.galaxyco.phone.model;

/** Kafka header names of CloudEvents 1.0 in binary content mode, as SmallRye Reactive Messaging writes them. */
public final class CloudEventHeaders {
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String CONTENT_TYPE = "content-type";

    private CloudEventHeaders() {
    }

    /** The header values of one event, in the order they are written. */
    public static java.util.Map<String, String> binary(String id, String type, String source, java.time.Instant time) {
        var headers = new java.util.LinkedHashMap<String, String>();
        headers.put(SPEC_VERSION, "1.0");
        headers.put(ID, id);
        headers.put(TYPE, type);
        headers.put(SOURCE, source);
        headers.put(TIME, java.time.format.DateTimeFormatter.ISO_INSTANT.format(time));
        headers.put(CONTENT_TYPE, "application/json");
        return headers;
    }
}
