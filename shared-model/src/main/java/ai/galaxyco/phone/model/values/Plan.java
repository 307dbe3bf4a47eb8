package ai.galaxyco.phone.model.values;

import java.util.Locale;

/** The workspace's subscription plan; it decides whether the workspace gets its own number. */
public enum Plan {
    STARTER,
    PRO,
    ENTERPRISE;

    /** Pro and Enterprise workspaces get a dedicated number; Starter uses the shared platform number. */
    public boolean hasDedicatedNumber() {
        return this != STARTER;
    }

    /**
     * Reads a plan as the product writes it in Clerk ({@code public_metadata.plan}), case-insensitive.
     * Absent means Starter. Clerk Billing slugs such as "pro-plan" or "enterprise_monthly" are read by
     * their leading word.
     *
     * @throws InvalidValueException for a value that names no plan
     */
    public static Plan fromClerk(String raw) {
        if (raw == null || raw.isBlank()) {
            return STARTER;
        }
        String normalized = raw.trim().toUpperCase(Locale.ROOT);
        for (Plan plan : values()) {
            if (normalized.equals(plan.name()) || normalized.startsWith(plan.name() + "-")
                    || normalized.startsWith(plan.name() + "_")) {
                return plan;
            }
        }
        throw new InvalidValueException("unknown plan: " + raw);
    }
}
