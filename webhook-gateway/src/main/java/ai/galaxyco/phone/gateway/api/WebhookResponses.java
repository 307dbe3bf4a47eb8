package ai.galaxyco.phone.gateway.api;

import ai.galaxyco.phone.model.api.Problem;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The shapes of the gateway's answers. */
final class WebhookResponses {

    static final String EMPTY_CXML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    private WebhookResponses() {
    }

    /** A refusal as every service answers one: an RFC 9457 problem document with a stable code. */
    static Response error(int status, String code, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, code, detail)).build();
    }

    static Response cxml(String document) {
        return Response.ok(document, MediaType.TEXT_XML_TYPE.withCharset("UTF-8")).build();
    }
}
