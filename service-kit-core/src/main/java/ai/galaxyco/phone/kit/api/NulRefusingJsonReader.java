package ai.galaxyco.phone.kit.api;

import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body half of {@link NulRefusal}: a JSON body read into a value (a record, a map) is refused with 400 when any
 * of its strings holds U+0000, written as the escape {@code \u0000} (or, invalid JSON anyway, as a raw 0x00 byte).
 * Bodies a resource takes raw ({@code byte[]}, {@code String}, a stream: the signed webhooks, whose bytes are what
 * the signature covers) are the resource's own business. Bodies are small (the HTTP body limit), so one pass over
 * the bytes costs next to nothing beside the JSON parse that follows.
 */
@Provider
@ConstrainedTo(RuntimeType.SERVER)
@IfBuildProperty(name = "galaxyco.api.problem-mappers", stringValue = "true", enableIfMissing = true)
public class NulRefusingJsonReader implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Class<?> type = context.getType();
        if (!isJson(context.getMediaType()) || type == byte[].class || type == String.class
                || InputStream.class.isAssignableFrom(type)) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readAllBytes();
        if (holdsNul(body)) {
            throw new ProblemException(400, NulRefusal.CODE, "U+0000 (NUL) is not accepted in the JSON body "
                    + "(carriers cannot deliver it; if it stood for '@', send '@')");
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    private static boolean isJson(MediaType type) {
        return type != null && (type.getSubtype().equalsIgnoreCase("json") || type.getSubtype().toLowerCase().endsWith("+json"));
    }

    /** A raw 0x00, or a {@code \u0000} escape whose backslash is not itself escaped (an odd run of backslashes). */
    static boolean holdsNul(byte[] json) {
        int backslashes = 0;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (b == 0) {
                return true;
            }
            if (b == '\\') {
                backslashes++;
                continue;
            }
            if (b == 'u' && backslashes % 2 == 1 && i + 4 < json.length && json[i + 1] == '0' && json[i + 2] == '0'
                    && json[i + 3] == '0' && json[i + 4] == '0') {
                return true;
            }
            backslashes = 0;
        }
        return false;
    }
}
