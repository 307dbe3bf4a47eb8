package ai.galaxyco.phone.model;

/**
 * One Kafka topic of the system: its name, what its record key is, whether it is compacted, the
 * CloudEvents {@code ce_type} of the events it carries and the event record type {@code E}, so that publishing
 * another type to it does not compile ({@code Outbox.publish(Topic<E>, key, E)}).
 */
public record Topic<E>(String name, String keyRule, boolean compacted, String eventType, Class<E> payloadType) {

    /** Every consumed topic has one; records that fail after retries land there with their headers. */
    public String deadLetter() {
        return name + ".dlq";
    }

    /**
     * A record value of this topic as its event.
     *
     * @throws EventJson.MalformedEventException when it is not one (the consumer dead-letters it)
     */
    public E read(String json) {
        return EventJson.read(json, payloadType);
    }
}
