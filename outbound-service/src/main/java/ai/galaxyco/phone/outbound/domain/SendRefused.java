package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.api.ProblemException;

/** A send that cannot be accepted: {@code status} is the HTTP status the API answers with, {@code code} its reason. */
public class SendRefused extends ProblemException {

    public SendRefused(int status, String code, String detail) {
        super(status, code, detail);
    }
}
