package ai.galaxyco.phone.model.values;

import java.math.BigDecimal;

/**
 * What sending one outbound message is estimated to cost (USD), the one rule for the usage ledger (analytics) and
 * the spend budgets (outbound), both configured from PRICE_SMS_OUTBOUND, PRICE_MMS_OUTBOUND and
 * PRICE_WHATSAPP_OUTBOUND: an SMS per segment, an MMS or a WhatsApp message per message.
 */
public record OutboundPrices(BigDecimal smsPerSegment, BigDecimal mmsPerMessage, BigDecimal whatsappPerMessage) {

    public BigDecimal estimate(Channel channel, int segments) {
        return switch (channel) {
            case MMS -> mmsPerMessage;
            case WHATSAPP -> whatsappPerMessage;
            default -> smsPerSegment.multiply(BigDecimal.valueOf(Math.max(segments, 1)));
        };
    }
}
