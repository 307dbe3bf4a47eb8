package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.model.values.MessagingState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;

/** A number the project bought for a workspace, from purchase until it is released. */
@Entity
@Table(name = "phone_number")
public class PhoneNumberRecord extends PanacheEntityBase {

    public enum Status {
        ACTIVE,
        /** Kept for the grace period; a re-upgrade makes it ACTIVE again. */
        RELEASE_PENDING,
        /** The release call is under way; no longer reclaimable. */
        RELEASING,
        /**
         * Ours (tagged for this deployment) but wanted by no workspace: quarantined until {@code releaseAfter}, adopted
         * if its workspace turns up meanwhile, released only after that.
         */
        ORPHANED,
        RELEASED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(nullable = false)
    public String e164;

    @Column(name = "provider_sid", nullable = false)
    public String providerSid;

    @Column(nullable = false)
    public String label = "Main";

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "forward_to")
    public String forwardTo;

    /** What callers hear before leaving a voicemail (null: the default sentence). */
    @Column(name = "voicemail_greeting")
    public String voicemailGreeting;

    @Column(name = "purchased_at", nullable = false)
    public Instant purchasedAt;

    @Column(name = "release_after")
    public Instant releaseAfter;

    @Column(name = "released_at")
    public Instant releasedAt;

    @Column(name = "release_attempts", nullable = false)
    public int releaseAttempts;

    @Column(name = "last_error")
    public String lastError;

    /** Whether carriers take its messages yet; see {@link NumberRegistration}. */
    @Enumerated(EnumType.STRING)
    @Column(name = "messaging_state", nullable = false)
    public MessagingState messagingState = MessagingState.UNREGISTERED;

    /** Why it is in that state, in words for the workspace's numbers page (the last failure, what happens next). */
    @Column(name = "messaging_reason")
    public String messagingReason;

    @Column(name = "messaging_changed_at")
    public Instant messagingChangedAt;

    /** The 10DLC campaign it is (being) assigned to. */
    @Column(name = "campaign_id")
    public String campaignId;

    /** The pending (or last) number assignment order at SignalWire's Campaign Registry. */
    @Column(name = "registry_order_id")
    public String registryOrderId;

    /** Its number assignment in the campaign (what removal from the campaign deletes). */
    @Column(name = "registry_assignment_id")
    public String registryAssignmentId;

    @Column(name = "registration_attempts", nullable = false)
    public int registrationAttempts;

    /** When the registration worker next acts: place an order, or poll the pending one. */
    @Column(name = "registration_due_at")
    public Instant registrationDueAt;

    /** Every state change bumps it: one made from a stale read fails instead of overwriting a newer one. */
    @Version
    public long version;

    /** One active number of the workspace (Main's, unless it has none); each label has at most one (a unique index). */
    public static Optional<PhoneNumberRecord> activeFor(String workspaceId) {
        return find("workspaceId = ?1 and status = ?2 order by case when lower(label) = 'main' then 0 else 1 end, id",
                workspaceId, Status.ACTIVE).firstResultOptional();
    }

    /**
     * A number of the workspace in its grace period (or quarantined as an orphan), newest first, locked: the release worker claims with
     * SKIP LOCKED, so it either waits for this decision or has already moved the number on (and it is not found).
     */
    public static Optional<PhoneNumberRecord> reclaimableFor(String workspaceId) {
        // the Main number first: a re-upgrade gives Main back the number it had, not an extra slot's
        return find("workspaceId = ?1 and status in ?2 order by case when lower(label) = 'main' then 0 else 1 end, "
                + "purchasedAt desc", workspaceId,
                java.util.List.of(Status.RELEASE_PENDING, Status.ORPHANED)).withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static Optional<PhoneNumberRecord> withSid(String providerSid) {
        return find("providerSid", providerSid).firstResultOptional();
    }
}
