package ai.galaxyco.phone.gateway.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The gateway's cXML answers; refusals are problem documents built by the kit's {@code ProblemException.response}. */
final class WebhookResponses {

    static final String EMPTY_CXML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    private WebhookResponses() {
    }

    static Response cxml(String document) {
        return Response.ok(document, MediaType.TEXT_XML_TYPE.withCharset("UTF-8")).build();
    }
}
