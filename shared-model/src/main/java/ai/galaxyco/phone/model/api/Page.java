package ai.galaxyco.phone.model.api;

import java.util.List;

/**
 * The envelope of every list answer: one page of {@code items} and the opaque cursor of the next page, or null
 * when this is the last one. Pages are requested with {@code ?limit=} (default 50, at most 200) and {@code ?cursor=}.
 */
public record Page<T>(List<T> items, String nextCursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public Page {
        items = List.copyOf(items);
    }
}
