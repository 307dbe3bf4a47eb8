package ai.galaxyco.phone.kit.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Accepts {@code DATABASE_URL} in the libpq form the seed deployment uses
 * ({@code postgres://user:pass@host[:port]/db?sslmode=require}, e.g. Neon) and offers it to Quarkus as
 * the JDBC URL, user name and password of the default datasource. Its ordinal (275) sits above
 * application.properties and below environment variables, so {@code QUARKUS_DATASOURCE_JDBC_URL} and
 * friends still override it per service.
 */
public class DatabaseUrlConfigSource implements ConfigSource {

    static final String VARIABLE = "DATABASE_URL";
    private final Map<String, String> properties;

    public DatabaseUrlConfigSource() {
        this(System.getenv(VARIABLE));
    }

    DatabaseUrlConfigSource(String databaseUrl) {
        this.properties = databaseUrl == null || databaseUrl.isBlank() ? Map.of() : toQuarkus(databaseUrl.trim());
    }

    /** Converts a libpq URL (or passes a JDBC URL through) to Quarkus datasource properties. */
    static Map<String, String> toQuarkus(String databaseUrl) {
        Map<String, String> result = new LinkedHashMap<>();
        if (databaseUrl.startsWith("jdbc:")) {
            result.put("quarkus.datasource.jdbc.url", databaseUrl);
            return result;
        }
        URI uri = URI.create(databaseUrl);
        if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
            throw new IllegalArgumentException(VARIABLE + " must start with postgres:// or postgresql:// (or jdbc:)");
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            // libpq options such as sslmode=require and channel_binding=require are pgjdbc options too
            jdbc.append('?').append(uri.getRawQuery());
        }
        result.put("quarkus.datasource.jdbc.url", jdbc.toString());
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            result.put("quarkus.datasource.username", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                result.put("quarkus.datasource.password", decode(userInfo.substring(colon + 1)));
            }
        }
        return result;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "DATABASE_URL";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
