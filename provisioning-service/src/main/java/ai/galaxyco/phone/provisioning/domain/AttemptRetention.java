package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.messaging.RetentionRule;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * Keeps {@code provisioning_attempt} bounded: a finished attempt older than PROVISIONING_ATTEMPT_RETENTION (default
 * 400 days, past a year of billing questions) is deleted unless it is among its workspace's newest
 * {@code provisioning.attempts-kept}, so every workspace keeps its recent history however old. Running attempts are
 * never touched. Run by the kit's {@code Retention}.
 */
@Singleton
public class AttemptRetention implements RetentionRule {

    private final ProvisioningConfig config;

    public AttemptRetention(ProvisioningConfig config) {
        this.config = config;
    }

    @Override
    public String jobName() {
        return "provisioning.attempt-retention";
    }

    @Override
    public String rows() {
        return "provisioning attempts";
    }

    @Override
    public Duration keptFor() {
        return config.attemptRetention();
    }

    @Override
    public int deleteBatch(EntityManager em, Timestamp cutoff, int batch) {
        return em.createNativeQuery("""
                delete from provisioning_attempt where id in (
                  select id from (
                    select id, finished_at, row_number() over (partition by workspace_id order by id desc) as newer
                    from provisioning_attempt) ranked
                  where newer > ?2 and finished_at is not null and finished_at < ?1
                  limit %d)""".formatted(batch))
                .setParameter(1, cutoff).setParameter(2, config.attemptsKept()).executeUpdate();
    }
}
