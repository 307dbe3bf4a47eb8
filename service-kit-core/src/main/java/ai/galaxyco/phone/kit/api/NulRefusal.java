package ai.galaxyco.phone.kit.api;

import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * U+0000 (NUL) is refused at the edge, before any resource runs: PostgreSQL cannot store it in text ("invalid byte
 * sequence for encoding UTF8: 0x00"), so a NUL that reached a query or a row was a 500. One rule instead of a check
 * per field: a NUL in any path segment, query parameter or header value is a 400 {@code invalid_request} here, before
 * matching and before authentication; a NUL in a JSON body is refused by {@link NulRefusingJsonReader} as it is read.
 * The console answers people and has its own pages, so it leaves this to the APIs it calls.
 */
@IfBuildProperty(name = "galaxyco.api.problem-mappers", stringValue = "true", enableIfMissing = true)
public class NulRefusal {

    static final String CODE = "invalid_request";

    @ServerRequestFilter(preMatching = true)
    public Response refuseNul(ContainerRequestContext request) {
        String where = whereNul(request.getUriInfo().getRequestUri().getRawPath(),
                request.getUriInfo().getRequestUri().getRawQuery(), request.getHeaders());
        return where == null ? null : ProblemException.response(400, CODE, "U+0000 (NUL) is not accepted in " + where);
    }

    /** Where a request carries a NUL ("the path", "the query", "header X"), or null when it does not. */
    static String whereNul(String rawPath, String rawQuery, Map<String, List<String>> headers) {
        // a '%' in a URI always starts an escape (it cannot be a hex digit), so "%00" anywhere is an encoded NUL
        if (rawPath != null && (rawPath.contains("%00") || rawPath.indexOf('\0') >= 0)) {
            return "the path";
        }
        if (rawQuery != null && (rawQuery.contains("%00") || rawQuery.indexOf('\0') >= 0)) {
            return "the query";
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            for (String value : header.getValue()) {
                if (value != null && value.indexOf('\0') >= 0) {
                    return "header " + header.getKey();
                }
            }
        }
        return null;
    }
}
