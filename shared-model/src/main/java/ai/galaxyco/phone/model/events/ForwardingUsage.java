package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;
import java.time.LocalDate;

/**
 * How many seconds a workspace's forwarded calls lasted on one UTC day, as routing has counted them from the calls'
 * final statuses: the running total, so the latest value per key is the truth (a compacted topic). The gateway
 * reads it to bound the next forwarded call by what is left of the day's budget.
 */
public record ForwardingUsage(
        WorkspaceId workspaceId,
        LocalDate day,
        long forwardedSeconds,
        Instant updatedAt) {

    /** The record key: one total per workspace and day. */
    public String key() {
        return keyFor(workspaceId, day);
    }

    public static String keyFor(WorkspaceId workspaceId, LocalDate day) {
        return workspaceId.value() + "#" + day;
    }
}
