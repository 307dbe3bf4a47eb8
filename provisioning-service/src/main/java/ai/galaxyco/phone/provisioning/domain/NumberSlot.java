package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.model.values.Plan;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A label a workspace wants a number for: the unit of provisioning. Each slot is bought, retried and released on
 * its own, under its own lease; its number is a {@link PhoneNumberRecord} with the same label.
 */
@Entity
@Table(name = "number_slot")
public class NumberSlot extends PanacheEntityBase {

    public enum Status {
        PROVISIONING,
        ACTIVE,
        FAILED,
        /** Given up (downgrade, deletion, or its owner removed it); its number goes through the release worker. */
        RELEASED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(nullable = false)
    public String label;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "preferred_area_code")
    public String preferredAreaCode;

    @Column(nullable = false)
    public int attempts;

    /** When the next purchase attempt is due; null when none is wanted. */
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    /** Held by the purchase job that claimed this slot; null when none runs. */
    @Column(name = "lease_token")
    public String leaseToken;

    @Column(name = "last_error_code")
    public String lastErrorCode;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "phone_number_id")
    public Long phoneNumberId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    public boolean isMain() {
        return "main".equalsIgnoreCase(label);
    }

    /** Waiting for a number: its purchase is due, running or failed. */
    public boolean waiting() {
        return status == Status.PROVISIONING || status == Status.FAILED;
    }

    /** A purchase job holds the slot right now (its lease has not run out): a retry must not start a second one. */
    public boolean inFlight(Instant now) {
        return leaseToken != null && nextAttemptAt != null && nextAttemptAt.isAfter(now);
    }

    /**
     * Makes a failed slot's purchase due now (the workspace's "Get phone number", or the retry endpoint): under way
     * again, so lists show PROVISIONING (a console follows it) instead of the old failure. Never a second purchase
     * beside a running one.
     *
     * @param preferredAreaCode the area code to try now; null keeps the slot's own
     * @throws PurchaseInFlight while a purchase job holds the slot
     */
    public void retryNow(Instant now, String preferredAreaCode) {
        if (inFlight(now)) {
            throw new PurchaseInFlight(workspaceId, label);
        }
        if (preferredAreaCode != null) {
            this.preferredAreaCode = preferredAreaCode;
        }
        nextAttemptAt = now;
        updatedAt = now;
        status = Status.PROVISIONING;
    }

    /** A purchase job holds the slot now: a retry has to wait for its outcome (answered 409 purchase_in_flight). */
    public static class PurchaseInFlight extends RuntimeException {
        public PurchaseInFlight(String workspaceId, String label) {
            super("a purchase for the " + label + " number of workspace " + workspaceId + " is under way; wait for its outcome");
        }
    }

    /** The workspace's slots that are not released, Main first, locked. */
    public static List<NumberSlot> currentOf(String workspaceId) {
        return find("workspaceId = ?1 and status <> ?2 order by case when lower(label) = 'main' then 0 else 1 end, id",
                workspaceId, Status.RELEASED).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /** The current slot of {@code label} (case-insensitive), locked. */
    public static Optional<NumberSlot> current(String workspaceId, String label) {
        return find("workspaceId = ?1 and lower(label) = lower(?2) and status <> ?3", workspaceId, label, Status.RELEASED)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** Whether this slot still wants a number: its workspace's plan holds it and it has none yet. */
    public boolean wantsNumber(Workspace workspace) {
        return workspace != null && workspace.wantsDedicatedNumber() && waiting() && phoneNumberId == null
                && (isMain() || workspace.plan == Plan.ENTERPRISE);
    }

    /**
     * A slot of the workspace that wants a number, Main first, locked: the one an adopted or reclaimed number fills.
     */
    public static Optional<NumberSlot> waitingFor(Workspace workspace) {
        return NumberSlot.<NumberSlot>find("workspaceId = ?1 and status in ?2 order by case when lower(label) = 'main' then 0 "
                + "else 1 end, id", workspace.id, List.of(Status.PROVISIONING, Status.FAILED))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional().filter(slot -> slot.wantsNumber(workspace));
    }

    /** The active slot holding {@code phoneNumberId}, locked. */
    public static Optional<NumberSlot> holding(long phoneNumberId) {
        return NumberSlot.<NumberSlot>find("phoneNumberId = ?1 and status = ?2", phoneNumberId, Status.ACTIVE)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }
}
