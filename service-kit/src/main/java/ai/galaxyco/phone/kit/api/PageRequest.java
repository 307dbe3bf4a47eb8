package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.model.api.Page;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * A list request's {@code ?limit=} and {@code ?cursor=}, checked. Cursors are opaque to clients: the keyset of the
 * last item of the previous page (for example its time and id), base64url-encoded, so pages never skip or repeat a
 * row when rows are added between requests.
 */
public record PageRequest(int limit, List<String> after) {

    private static final String SEPARATOR = "\n";

    /** @throws ProblemException 400 invalid_request for a limit outside 1..200 or a cursor this service did not write */
    public static PageRequest of(Integer limit, String cursor, int keyParts) {
        int size = limit == null ? Page.DEFAULT_LIMIT : limit;
        if (size < 1 || size > Page.MAX_LIMIT) {
            throw new ProblemException(400, "invalid_request", "limit must be between 1 and " + Page.MAX_LIMIT);
        }
        if (cursor == null || cursor.isEmpty()) {
            return new PageRequest(size, null);
        }
        List<String> keys;
        try {
            keys = List.of(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(SEPARATOR, -1));
        } catch (IllegalArgumentException e) {
            keys = List.of();
        }
        if (keys.size() != keyParts) {
            throw new ProblemException(400, "invalid_cursor", "cursor is not one this list handed out");
        }
        return new PageRequest(size, keys);
    }

    public boolean first() {
        return after == null;
    }

    /** How many rows to fetch: one more than the page, to know whether another page follows. */
    public int fetch() {
        return limit + 1;
    }

    /**
     * The page of {@code rows} (fetched with {@link #fetch()}), its cursor taken from the last item shown.
     */
    public <R, T> Page<T> page(List<R> rows, Function<R, List<String>> keyOf, Function<R, T> view) {
        boolean more = rows.size() > limit;
        List<R> shown = more ? rows.subList(0, limit) : rows;
        String next = more ? encode(keyOf.apply(shown.get(shown.size() - 1))) : null;
        return new Page<>(shown.stream().map(view).toList(), next);
    }

    /** Key {@code index} of the cursor read as what the list wrote there. */
    public java.time.Instant instantKey(int index) {
        return key(index, java.time.Instant::parse);
    }

    public java.util.UUID uuidKey(int index) {
        return key(index, java.util.UUID::fromString);
    }

    public long longKey(int index) {
        return key(index, Long::valueOf);
    }

    private <K> K key(int index, Function<String, K> parse) {
        try {
            return parse.apply(after.get(index));
        } catch (RuntimeException e) {
            throw new ProblemException(400, "invalid_cursor", "cursor is not one this list handed out");
        }
    }

    public static String encode(List<String> keys) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.join(SEPARATOR, keys).getBytes(StandardCharsets.UTF_8));
    }
}
