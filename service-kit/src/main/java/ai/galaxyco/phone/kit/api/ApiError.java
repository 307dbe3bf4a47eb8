package ai.galaxyco.phone.kit.api;

/** The JSON body of every 4xx answer: a machine-readable error and a sentence a person can act on. */
public record ApiError(String error, String reason) {
}
