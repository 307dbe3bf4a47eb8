package ai.galaxyco.phone.gateway.domain;

import ai.galaxyco.phone.model.values.PhoneNumber;

/** The cXML documents the gateway answers calls with. Verbs are case-sensitive at SignalWire. */
public final class VoiceResponses {

    private static final String HEADER = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    /** What callers hear before the tone when the number has no greeting of its own. */
    public static final String DEFAULT_GREETING = "Thank you for calling. Please leave a message after the tone.";

    private VoiceResponses() {
    }

    /**
     * Rings {@code forwardTo} for {@code ringSeconds} (FORWARD_RING_SECONDS); a call answered there is cut after
     * {@code timeLimitSeconds}. Either way SignalWire then asks {@code dialResultUrl} what next, with DialCallStatus:
     * the only {@code <Dial>} the system writes, so an unanswered forward always falls back to voicemail.
     */
    public static String dial(PhoneNumber calledNumber, PhoneNumber forwardTo, int ringSeconds, int timeLimitSeconds,
            String dialResultUrl) {
        return HEADER + "<Response><Dial callerId=\"" + calledNumber.e164() + "\" timeout=\"" + ringSeconds + "\" timeLimit=\""
                + timeLimitSeconds + "\" action=\"" + escape(dialResultUrl) + "\" method=\"POST\">" + forwardTo.e164()
                + "</Dial></Response>";
    }

    /**
     * The number's greeting (null or blank: {@link #DEFAULT_GREETING}), then a recording of up to two minutes whose
     * file comes to {@code recordingCallbackUrl} and whose transcript comes to {@code transcriptionCallbackUrl}.
     */
    public static String voicemail(String greeting, String recordingCallbackUrl, String transcriptionCallbackUrl) {
        String spoken = greeting == null || greeting.isBlank() ? DEFAULT_GREETING : greeting.strip();
        return HEADER + "<Response><Say>" + escape(spoken) + "</Say>"
                + "<Record action=\"" + escape(recordingCallbackUrl) + "\" method=\"POST\" maxLength=\"120\" playBeep=\"true\""
                + " transcribe=\"true\" transcribeCallback=\"" + escape(transcriptionCallbackUrl) + "\"/>"
                + "<Say>We did not receive a recording. Goodbye.</Say><Hangup/></Response>";
    }

    /** After a forward the target answered: the call is over. */
    public static String hangUp() {
        return HEADER + "<Response><Hangup/></Response>";
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
