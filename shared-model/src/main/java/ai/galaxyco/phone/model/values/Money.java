package ai.galaxyco.phone.model.values;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amounts of money as every API writes them: plain decimal text (never 1E+1) in the account's currency, rounded
 * half-even. Two precisions, each named for what it is used for, so no service picks its own scale.
 */
public final class Money {

    private Money() {
    }

    /** Usage, ledger and price amounts: four places, since one message costs fractions of a cent. */
    public static String usage(BigDecimal amount) {
        return amount.setScale(4, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Totals and margins of the operator overview: whole cents. */
    public static String cents(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
