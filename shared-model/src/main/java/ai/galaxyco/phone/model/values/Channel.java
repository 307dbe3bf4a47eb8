package ai.galaxyco.phone.model.values;

/** How a message or call travels. */
public enum Channel {
    SMS,
    MMS,
    WHATSAPP,
    VOICE
}
