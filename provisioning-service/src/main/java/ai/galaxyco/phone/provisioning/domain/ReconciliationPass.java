package ai.galaxyco.phone.provisioning.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/** One reconciliation pass and what it planned; see {@link Reconciler}. */
@Entity
@Table(name = "reconciliation_pass")
public class ReconciliationPass extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** APPLY or REPORT. */
    @Column(nullable = false)
    public String mode;

    /** APPLIED, REFUSED, REPORTED or FAILED. */
    @Column(nullable = false)
    public String outcome;

    @Column(nullable = false)
    public int owned;

    /** Releases and give-ups planned (adoptions do not count: they stop spending, never lose a number). */
    @Column(nullable = false)
    public int changes;

    public String plan;

    public String reason;

    @Column(name = "confirmed_at")
    public Instant confirmedAt;

    /** The refused pass no operator has confirmed yet, if any: while it exists every pass is refused. */
    public static Optional<ReconciliationPass> unconfirmedRefusal() {
        return find("outcome = 'REFUSED' and confirmedAt is null order by startedAt desc").firstResultOptional();
    }
}
