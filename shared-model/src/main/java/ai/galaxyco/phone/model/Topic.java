package ai.galaxyco.phone.model;

/**
 * One Kafka topic of the system: its name, what its record key is, whether it is compacted, the
 * CloudEvents {@code ce_type} of the events it carries and the event record type.
 */
public record Topic(String name, String keyRule, boolean compacted, String eventType, Class<?> payloadType) {

    /** Every consumed topic has one; records that fail after retries land there with their headers. */
    public String deadLetter() {
        return name + ".dlq";
    }
}
