package ai.galaxyco.phone.model.values;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A workspace, i.e. a Clerk organization id such as {@code org_2g7np7Hrk0SN6kj5EDMLDaKNL0S}. */
public record WorkspaceId(String value) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");

    public WorkspaceId {
        if (value == null || !ALLOWED.matcher(value).matches()) {
            throw new InvalidValueException("not a workspace id: " + value);
        }
    }

    @JsonCreator
    public static WorkspaceId of(String value) {
        return new WorkspaceId(value);
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
