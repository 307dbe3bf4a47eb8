package ai.galaxyco.phone.analytics.api;

import jakarta.ws.rs.core.Response;

/**
 * A CSV document (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, quote or line
 * break), built row by row and answered as a download.
 */
final class Csv {

    static final String MEDIA_TYPE = "text/csv";

    private final StringBuilder text = new StringBuilder();

    Csv(String header) {
        text.append(header).append("\r\n");
    }

    Csv row(Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(field(String.valueOf(fields[i])));
        }
        text.append("\r\n");
        return this;
    }

    Response download(String filename) {
        return Response.ok(text.toString(), MEDIA_TYPE + "; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + filename.replaceAll("[^A-Za-z0-9_.-]", "_") + "\"")
                .build();
    }

    private static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
