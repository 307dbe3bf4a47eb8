package ai.galaxyco.phone.model.events;

/** One attachment of an MMS or WhatsApp message. */
public record MediaItem(String url, String contentType) {
}
