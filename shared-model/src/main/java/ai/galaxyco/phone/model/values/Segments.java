package ai.galaxyco.phone.model.values;

/**
 * How many SMS segments a body takes: carriers pace and bill per segment, not per message. Outbound paces and bills by
 * it, analytics counts inbound messages with it, and the console's composer counts the same way in JavaScript.
 */
public final class Segments {

    private static final String GSM_7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM_7_EXTENDED = "^{}\\[~]|€\f";

    private Segments() {
    }

    public static int count(String body) {
        if (body == null || body.isEmpty()) {
            return 1;
        }
        int septets = 0;
        boolean gsm = true;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (GSM_7.indexOf(c) >= 0) {
                septets++;
            } else if (GSM_7_EXTENDED.indexOf(c) >= 0) {
                septets += 2;
            } else {
                gsm = false;
                break;
            }
        }
        if (gsm) {
            return septets <= 160 ? 1 : (int) Math.ceil(septets / 153.0);
        }
        int units = body.length(); // UTF-16 code units, as UCS-2 counts them
        return units <= 70 ? 1 : (int) Math.ceil(units / 67.0);
    }
}
