package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.model.values.Plan;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

@Entity
@Table(name = "workspace")
public class Workspace extends PanacheEntityBase {

    public enum Status {
        PROVISIONING,
        ACTIVE,
        SHARED,
        FAILED,
        REMOVED
    }

    @Id
    public String id;

    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Plan plan;

    @Column(name = "preferred_area_code")
    public String preferredAreaCode;

    /** Clerk's organization updated_at of the newest organization event applied; older ones are stale. */
    @Column(name = "lifecycle_version", nullable = false)
    public long lifecycleVersion;

    /** The subscription item's updated_at of the newest Clerk Billing event applied: a clock of its own. */
    @Column(name = "billing_version", nullable = false)
    public long billingVersion = Long.MIN_VALUE;

    @Version
    public long version;

    @Column(nullable = false)
    public boolean deleted;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "on_shared_number", nullable = false)
    public boolean onSharedNumber;

    /** The Main slot's purchase attempts and last error, kept here for the provisioning results and views. */
    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error_code")
    public String lastErrorCode;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public boolean wantsDedicatedNumber() {
        return !deleted && plan.hasDedicatedNumber();
    }
}
