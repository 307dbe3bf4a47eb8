package ai.galaxyco.phone.gateway.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** The shapes of the gateway's answers. */
final class WebhookResponses {

    static final String EMPTY_CXML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    private WebhookResponses() {
    }

    static Response error(int status, String error, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", error, "reason", reason)).build();
    }

    static Response cxml(String document) {
        return Response.ok(document, MediaType.TEXT_XML_TYPE.withCharset("UTF-8")).build();
    }
}
