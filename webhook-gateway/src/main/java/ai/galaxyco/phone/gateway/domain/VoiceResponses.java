package ai.galaxyco.phone.gateway.domain;

import ai.galaxyco.phone.model.values.PhoneNumber;

/** The cXML documents the gateway answers calls with. Verbs are case-sensitive at SignalWire. */
public final class VoiceResponses {

    private static final String HEADER = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private VoiceResponses() {
    }

    /** Rings {@code forwardTo} for 25 s; a call answered there is cut after {@code timeLimitSeconds} (FORWARD_MAX_CALL_SECONDS). */
    public static String dial(PhoneNumber calledNumber, PhoneNumber forwardTo, int timeLimitSeconds) {
        return HEADER + "<Response><Dial callerId=\"" + calledNumber.e164() + "\" timeout=\"25\" timeLimit=\"" + timeLimitSeconds
                + "\">" + forwardTo.e164() + "</Dial></Response>";
    }

    public static String voicemail(String recordingCallbackUrl) {
        return HEADER + "<Response><Say>Thank you for calling. Please leave a message after the tone.</Say>"
                + "<Record action=\"" + escape(recordingCallbackUrl) + "\" method=\"POST\" maxLength=\"120\" playBeep=\"true\"/>"
                + "<Say>We did not receive a recording. Goodbye.</Say><Hangup/></Response>";
    }

    public static String unknownNumber() {
        return HEADER + "<Response><Say>Sorry, this number is not in service. Goodbye.</Say><Hangup/></Response>";
    }

    public static String recordingReceived() {
        return HEADER + "<Response><Say>Thank you. Goodbye.</Say><Hangup/></Response>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
