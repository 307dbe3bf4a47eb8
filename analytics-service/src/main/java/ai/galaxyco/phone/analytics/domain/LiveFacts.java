package ai.galaxyco.phone.analytics.domain;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.List;

/**
 * New ledger facts as they happen, for the live usage stream: a fact is announced once the transaction that wrote it
 * committed (never one that rolled back). Each instance announces what it wrote; with several instances a subscriber
 * sees the facts of the instance it is connected to.
 */
@ApplicationScoped
public class LiveFacts {

    /** A fact as the stream shows it; {@code cost} as a decimal string (the estimate or the actual price). */
    public record LiveFact(String workspaceId, String kind, String channel, String sourceId, int quantity, String status,
            String cost, Instant occurredAt) {
    }

    private final BroadcastProcessor<LiveFact> facts = BroadcastProcessor.create();
    private final TransactionSynchronizationRegistry transactions;

    public LiveFacts(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    /** Announces {@code written} when the current transaction commits (nothing if it rolls back). */
    public void afterCommit(List<LiveFact> written) {
        if (written.isEmpty()) {
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    written.forEach(LiveFacts.this::announce);
                }
            }
        });
    }

    /** Consumer threads commit concurrently; a processor takes its items one at a time. */
    private synchronized void announce(LiveFact fact) {
        facts.onNext(fact);
    }

    /** The workspace's new facts; a subscriber too slow to take them loses some rather than holding the others up. */
    public Multi<LiveFact> of(String workspaceId) {
        return facts.onOverflow().drop().select().where(fact -> fact.workspaceId().equals(workspaceId));
    }
}
