package ai.galaxyco.phone.model.api;

import java.util.List;

/**
 * The countries (ISO regions) a workspace may send messages or forward calls to, and whether an operator set them
 * for it ({@code overridden}) instead of the platform's. A request to set them carries {@code allowedCountries} only.
 */
public record DestinationCountries(List<String> allowedCountries, boolean overridden) {
}
