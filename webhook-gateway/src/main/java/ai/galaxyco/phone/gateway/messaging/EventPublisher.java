package ai.galaxyco.phone.gateway.messaging;

import ai.galaxyco.phone.gateway.config.GatewayConfig;
import ai.galaxyco.phone.kit.messaging.CloudEventRecords;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Puts a verified webhook somewhere it cannot be lost before it is answered 2xx: in Kafka (acks=all) when the broker
 * acknowledges within the publish timeout, else in the gateway's local {@link Spool} (fsync'd), from which a
 * drainer publishes it, in order and with the same event id, once Kafka is back. While anything is spooled, new
 * webhooks are spooled behind it, so a key's events never overtake each other. Spooled records survive a crash and
 * are published after the next start. Only a spool that is full or cannot write makes a webhook fail (an SMS is
 * answered 503; a call is answered anyway and its event published best effort).
 */
@ApplicationScoped
public class EventPublisher {

    public static final String CHANNEL = "events-out";
    static final String SOURCE = "/galaxyco-phone/webhook-gateway";
    private static final int DRAIN_BATCH = 200;
    /** Longer than the producer's delivery.timeout.ms: only a stuck client makes an attempt wait this long. */
    private static final Duration ATTEMPT_LIMIT = Duration.ofSeconds(60);

    /** Where a webhook's event went. */
    public enum Delivery { PUBLISHED, SPOOLED }

    /** The spool could not take the event, being full or unable to write: an SMS is answered 503, a call anyway. */
    public static final class SpoolRefusedException extends RuntimeException {
        SpoolRefusedException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private final Emitter<Record<String, String>> emitter;
    private final GatewayConfig config;
    private final Clock clock;
    private final Spool spool;
    private final Semaphore wakeDrainer = new Semaphore(0);
    private final java.util.concurrent.atomic.AtomicBoolean outageLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean running = true;
    private Thread drainer;

    public EventPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192) Emitter<Record<String, String>> emitter,
            GatewayConfig config, Clock clock, MeterRegistry registry) {
        this.emitter = emitter;
        this.config = config;
        this.clock = clock;
        this.spool = Spool.open(Path.of(config.spoolDir()), config.spoolMaxSize().asLongValue());
        Gauge.builder("spool.records", spool, Spool::pending).description("webhooks in the local spool, not yet in Kafka")
                .register(registry);
        Gauge.builder("spool.bytes", spool, Spool::bytes).register(registry);
        Gauge.builder("spool.unreadable.tails", spool, Spool::unreadableTails)
                .description("unreadable spool tails start-up moved aside to a dated file (look at them)").register(registry);
    }

    /** Starts the drainer, which first publishes whatever an earlier process left in the spool. */
    void start(@Observes StartupEvent event) {
        if (spool.pending() > 0) {
            Log.infof("the gateway spool holds %d webhooks from before this start; publishing them", spool.pending());
        }
        drainer = new Thread(this::drain, "gateway-spool-drainer");
        drainer.setDaemon(true);
        drainer.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        wakeDrainer.release();
        if (drainer != null) {
            drainer.join(5_000);
        }
        spool.close();
    }

    /**
     * Completes once the event is in Kafka or in the spool; fails only when neither could take it.
     *
     * @param eventId derived from the provider's own delivery id, so a redelivered webhook keeps its id and
     *     downstream consumers recognise it
     */
    public <E> CompletionStage<Delivery> publish(Topic<E> topic, String key, String eventId, E event) {
        SpooledEvent record = record(topic, key, eventId, event);
        if (spool.pending() > 0) { // behind what is waiting, never ahead of it
            try {
                return CompletableFuture.completedFuture(spool(record));
            } catch (SpoolRefusedException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return send(record).orTimeout(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS).handle((published, failure) -> {
            if (failure == null) {
                return Delivery.PUBLISHED;
            }
            if (outageLogged.compareAndSet(false, true)) { // once per outage, not once per webhook
                Log.warnf("broker did not acknowledge %s within %s (%s): spooling webhooks until it answers", eventId,
                        config.publishTimeout(), failure.toString());
            }
            return spool(record);
        });
    }

    /**
     * Spools the event at once (fsync'd) for the drainer to publish, without waiting for the broker: for answers
     * that must not wait (calls). Fails only when the spool is full or cannot write.
     */
    public <E> Delivery spoolNow(Topic<E> topic, String key, String eventId, E event) {
        return spool(record(topic, key, eventId, event));
    }

    /**
     * Sends the event to Kafka without the spool, for a call the spool refused: answered already, its event goes out
     * best effort (the producer retries until delivery.timeout.ms), and a failure is logged with the event id.
     */
    public <E> void publishBestEffort(Topic<E> topic, String key, String eventId, E event) {
        send(record(topic, key, eventId, event)).whenComplete((published, failure) -> {
            if (failure != null) {
                Log.errorf("%s was neither spooled nor published (%s): lost", eventId, failure.toString());
            }
        });
    }

    /** Webhooks in the spool, not yet in Kafka. */
    public long spooled() {
        return spool.pending();
    }

    /** Whether the spool refused a webhook since it last drained (readiness fails meanwhile). */
    public boolean spoolFull() {
        return spool.full();
    }

    /** Why the spool cannot write (disk full, failing file system), retried on each call; null when it can. */
    public String spoolWriteFailure() {
        return spool.probeWritable() ? null : spool.writeFailure();
    }

    private <E> SpooledEvent record(Topic<E> topic, String key, String eventId, E event) {
        if (!topic.payloadType().isInstance(event)) {
            throw new IllegalArgumentException(topic.name() + " does not carry " + event.getClass().getSimpleName());
        }
        return new SpooledEvent(topic.name(), topic.eventType(), key, eventId, clock.instant(), EventJson.write(event));
    }

    private Delivery spool(SpooledEvent record) {
        boolean appended;
        try {
            appended = spool.append(record.encode());
        } catch (Spool.WriteFailedException e) {
            Log.errorf("the gateway spool cannot write (%s): %s not spooled", e.getMessage(), record.eventId());
            throw new SpoolRefusedException(e.getMessage(), e);
        }
        if (!appended) {
            throw new SpoolRefusedException("the broker is unavailable and the local spool is full (" + spool.maxBytes()
                    + " bytes)", null);
        }
        wakeDrainer.release();
        return Delivery.SPOOLED;
    }

    /**
     * Publishes one record; completes when the broker acknowledged it (acks=all) or the producer gave it up (after
     * delivery.timeout.ms: it keeps retrying until then, even when a caller stopped waiting earlier).
     */
    private CompletableFuture<Void> send(SpooledEvent record) {
        var metadata = CloudEventRecords.metadata(record.topic(), record.key(), record.eventId(), record.eventType(), SOURCE,
                record.time());
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        Message<Record<String, String>> message = Message.of(Record.of(record.key(), record.payload()), Metadata.of(metadata))
                .withAck(() -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) { // emitter overflow or closed channel
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /**
     * Publishes the spool's records in batches, in order; a batch counts as drained only when the broker
     * acknowledged all of it, and a failed batch is sent again whole after a pause (consumers drop the repeats by
     * event id). Each attempt waits for the producer's own verdict on every record rather than a shorter timeout:
     * a copy still queued in the producer from an abandoned attempt could otherwise be delivered after later
     * records and invert their order.
     */
    private void drain() {
        Duration pause = Duration.ofMillis(500);
        while (running) {
            try {
                Spool.Batch batch = spool.next(DRAIN_BATCH);
                if (batch.records().isEmpty()) {
                    wakeDrainer.tryAcquire(1, TimeUnit.SECONDS);
                    wakeDrainer.drainPermits();
                    continue;
                }
                // the oldest record alone first: when it fails (no broker, no metadata yet) nothing behind it was sent,
                // so no later record reaches Kafka before it
                List<SpooledEvent> records = batch.records().stream().map(SpooledEvent::decode).toList();
                send(records.get(0)).get(ATTEMPT_LIMIT.toSeconds(), TimeUnit.SECONDS);
                List<CompletableFuture<Void>> sends = records.subList(1, records.size()).stream().map(this::send).toList();
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(ATTEMPT_LIMIT.toSeconds(), TimeUnit.SECONDS);
                spool.drained(batch);
                pause = Duration.ofMillis(500);
                if (spool.pending() == 0) {
                    Log.info("the gateway spool is drained: every spooled webhook is in Kafka");
                    outageLogged.set(false);
                }
            } catch (RuntimeException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                Log.warnf("spooled webhooks not yet published (%d waiting), retrying in %s: %s", spool.pending(), pause,
                        e.toString());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
