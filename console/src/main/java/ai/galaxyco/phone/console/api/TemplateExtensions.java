package ai.galaxyco.phone.console.api;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formatting the pages share: {@code {instant.readable}}. */
@TemplateExtension
public class TemplateExtensions {

    private static final DateTimeFormatter READABLE = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm:ss 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    /** A value as a URL query parameter: {@code ?inbox={label.query}}. */
    static String query(String value) {
        return value == null ? "" : java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** "26 Nov 2026, 01:22:12 UTC": times in UTC, which every workspace shares; the datetime attribute keeps the instant. */
    static String readable(Instant instant) {
        return instant == null ? "" : READABLE.format(instant);
    }
}
