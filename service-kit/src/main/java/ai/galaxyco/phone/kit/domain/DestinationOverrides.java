package ai.galaxyco.phone.kit.domain;

import ai.galaxyco.phone.model.values.DestinationPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The countries an operator let one workspace send messages or forward calls to, instead of the platform's
 * (MESSAGING_ALLOWED_COUNTRIES, FORWARDING_ALLOWED_COUNTRIES). A tenant cannot set them; the refused number types
 * (premium rate...) stay refused whatever is set.
 */
@ApplicationScoped
public class DestinationOverrides {

    /** What the countries are for. */
    public enum Purpose {
        MESSAGING,
        FORWARDING
    }

    /** The workspace's policy, and whether an operator set it. */
    public record Effective(DestinationPolicy policy, boolean overridden) {

        /** The allowed countries, sorted. */
        public List<String> countries() {
            return policy.allowedRegions().stream().sorted().toList();
        }
    }

    private final EntityManager em;

    public DestinationOverrides(EntityManager em) {
        this.em = em;
    }

    public Effective of(String workspaceId, Purpose purpose, DestinationPolicy platform) {
        return countriesOf(workspaceId, purpose).map(countries -> new Effective(DestinationPolicy.of(countries), true))
                .orElseGet(() -> new Effective(platform, false));
    }

    /** The countries an operator set for the workspace, sorted; empty when it has the platform's. */
    public Optional<List<String>> countriesOf(String workspaceId, Purpose purpose) {
        @SuppressWarnings("unchecked")
        List<String> rows = em.createNativeQuery("select allowed_countries from destination_override where workspace_id = ?1 "
                + "and purpose = ?2").setParameter(1, workspaceId).setParameter(2, purpose.name()).getResultList();
        return rows.stream().findFirst().map(countries -> List.of(countries.split(",")));
    }

    /** Sets the workspace's countries for {@code purpose}; null goes back to the platform's. */
    public void override(String workspaceId, Purpose purpose, DestinationPolicy policy, String setBy, Instant now) {
        if (policy == null) {
            em.createNativeQuery("delete from destination_override where workspace_id = ?1 and purpose = ?2")
                    .setParameter(1, workspaceId).setParameter(2, purpose.name()).executeUpdate();
            return;
        }
        em.createNativeQuery("insert into destination_override (workspace_id, purpose, allowed_countries, set_by, set_at) "
                + "values (?1, ?2, ?3, ?4, ?5) on conflict (workspace_id, purpose) do update set "
                + "allowed_countries = excluded.allowed_countries, set_by = excluded.set_by, set_at = excluded.set_at")
                .setParameter(1, workspaceId).setParameter(2, purpose.name())
                .setParameter(3, String.join(",", policy.allowedRegions().stream().sorted().toList()))
                .setParameter(4, setBy).setParameter(5, Timestamp.from(now)).executeUpdate();
    }
}
