package ai.galaxyco.phone.console.backend;

/**
 * A service's refusal, read from its problem document ({@code code}, {@code detail}), or the console's own when a
 * service cannot be reached. {@link #sentence()} is what a page shows: never the raw JSON.
 */
public class ApiProblem extends RuntimeException {

    public final int status;
    public final String code;
    public final String detail;

    public ApiProblem(int status, String code, String detail) {
        super(status + " " + code + ": " + detail);
        this.status = status;
        this.code = code;
        this.detail = detail;
    }

    /** Plain words for the codes a workspace owner meets; otherwise the service's own detail, as a sentence. */
    public String sentence() {
        String known = switch (code == null ? "" : code) {
            case "plan_required" -> "Your plan does not include a dedicated number. Upgrade to Pro or Enterprise to get one.";
            case "number_limit_reached" -> "Your workspace already has as many numbers as its plan allows.";
            case "label_taken" -> "Another number of this workspace already has that label.";
            case "purchase_in_flight" -> "A number is being bought for this workspace right now; wait a moment for the result.";
            case "invalid_label" -> "Labels are 1 to 32 letters, digits, spaces or hyphens.";
            case "invalid_area_code" -> "An area code is three digits, such as 415.";
            case "invalid_forward_to" -> "Calls can be forwarded to a phone number such as +14155550100, but not to the number itself.";
            case "last_number" -> "This is the workspace's main number; it can be released only by changing the plan.";
            case "forward_loop" -> "Calls cannot be forwarded to a number of this platform (that would loop); use a phone outside it.";
            case "destination_country_not_allowed" -> "That number is in a country this workspace may not reach; ask support to allow it.";
            case "destination_number_type_not_allowed" -> "That is a premium-rate or similar number, which can never be used.";
            case "admin_role_required" -> "Only an admin of this workspace can change its numbers.";
            case "rate_limited" -> "Too many requests from this workspace just now; try again in a few seconds.";
            case "service_unavailable" -> detail;
            default -> null;
        };
        if (known != null) {
            return known;
        }
        String text = detail == null || detail.isBlank() ? "The request was refused (" + status + ")." : detail.trim();
        text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }
}
