package ai.galaxyco.phone.gateway.api;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;

/** What every SignalWire webhook carries besides its body: the signature (either header), content type and URI. */
public class SignedWebhook {

    @HeaderParam("X-SignalWire-Signature")
    String signalWireSignature;

    /** SignalWire's validators accept the Twilio header as an alias. */
    @HeaderParam("X-Twilio-Signature")
    String twilioSignature;

    @HeaderParam("Content-Type")
    String contentType;

    @Context
    UriInfo uri;

    String signature() {
        return signalWireSignature != null ? signalWireSignature : twilioSignature;
    }

    String rawQuery() {
        return uri.getRequestUri().getRawQuery();
    }
}
