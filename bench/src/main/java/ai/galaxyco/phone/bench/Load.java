package ai.galaxyco.phone.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * A load generator on Vert.x's HTTP client: closed loop (C requests always in flight) or open loop (a fixed
 * arrival rate, latency measured from each request's intended start, so a stall is not hidden).
 */
final class Load {

    /** One prepared request. */
    record Prepared(String path, String contentType, List<String[]> headers, Buffer body) {
    }

    /** What a run measured. */
    record Result(String name, long requests, long errors, double seconds, Histogram latencyMicros) {
        double throughput() {
            return requests / seconds;
        }

        String line() {
            return String.format("%-44s %8d req %6d err %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  max %7.2f ms",
                    name, requests, errors, throughput(), latencyMicros.getValueAtPercentile(50) / 1000.0,
                    latencyMicros.getValueAtPercentile(99) / 1000.0, latencyMicros.getValueAtPercentile(99.9) / 1000.0,
                    latencyMicros.getMaxValue() / 1000.0);
        }
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final String host;
    private final int port;

    Load(Vertx vertx, String baseUrl, int connections) {
        this.vertx = vertx;
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(connections).setKeepAlive(true)
                .setPipelining(false).setConnectTimeout(5000).setIdleTimeout(30));
    }

    void close() {
        client.close();
    }

    /**
     * The {@code i}-th request of an open loop, told when it was meant to leave ({@link System#nanoTime()}): latency is
     * measured from then, so a stall of the load generator itself counts against the system instead of hiding it.
     */
    interface Scheduled {
        Prepared at(int i, long intendedNanos);
    }

    /** Open loop that records each request's HTTP status (-1: no answer) in {@code statuses[i]}. */
    void openLoopRecording(int ratePerSecond, int seconds, IntFunction<Prepared> requests, int[] statuses)
            throws InterruptedException {
        openLoopRecording(ratePerSecond, seconds, (i, intended) -> requests.apply(i), statuses);
    }

    /** Open loop that records each request's HTTP status (-1: no answer) in {@code statuses[i]}. */
    void openLoopRecording(int ratePerSecond, int seconds, Scheduled requests, int[] statuses)
            throws InterruptedException {
        int total = ratePerSecond * seconds;
        CountDownLatch finished = new CountDownLatch(total);
        long started = System.nanoTime();
        double intervalNanos = 1e9 / ratePerSecond;
        AtomicInteger issued = new AtomicInteger();
        long timer = vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (issued.get() < total && started + (long) (issued.get() * intervalNanos) <= now) {
                int i = issued.getAndIncrement();
                status(requests.at(i, started + (long) (i * intervalNanos))).onComplete(ar -> {
                    statuses[i] = ar.succeeded() ? ar.result() : -1;
                    finished.countDown();
                });
            }
        });
        finished.await(seconds + 120L, TimeUnit.SECONDS);
        vertx.cancelTimer(timer);
    }

    /** {@link #openLoopRecording} on a thread of its own, started; join it to wait for the last answer. */
    Thread openLoopInBackground(int ratePerSecond, int seconds, IntFunction<Prepared> requests, int[] statuses) {
        return openLoopInBackground(ratePerSecond, seconds, (i, intended) -> requests.apply(i), statuses);
    }

    /** {@link #openLoopRecording(int, int, Scheduled, int[])} on a thread of its own, started. */
    Thread openLoopInBackground(int ratePerSecond, int seconds, Scheduled requests, int[] statuses) {
        Thread sender = new Thread(() -> {
            try {
                openLoopRecording(ratePerSecond, seconds, requests, statuses);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sender.start();
        return sender;
    }

    /** Sends one prepared request; completes with its HTTP status once the whole answer was read. */
    private io.vertx.core.Future<Integer> status(Prepared p) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(p.path())
                .setTimeout(30_000);
        return client.request(options).compose(req -> {
            req.putHeader("Content-Type", p.contentType());
            for (String[] h : p.headers()) {
                req.putHeader(h[0], h[1]);
            }
            return req.send(p.body());
        }).compose(resp -> resp.body().map(b -> resp.statusCode()));
    }

    private void send(Prepared p, Runnable onOk, Runnable onError) {
        status(p).onComplete(ar -> {
            if (ar.succeeded() && ar.result() < 400) {
                onOk.run();
            } else {
                onError.run();
            }
        });
    }

    Result closedLoop(String name, int concurrency, int seconds, IntFunction<Prepared> requests) throws InterruptedException {
        Histogram histogram = new org.HdrHistogram.ConcurrentHistogram(60_000_000L, 3);
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch finished = new CountDownLatch(concurrency);
        long started = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            vertx.runOnContext(v -> loop(requests, next, histogram, errors, done, end, finished));
        }
        finished.await(seconds + 60L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - started) / 1e9;
        return new Result(name, done.get(), errors.get(), elapsed, histogram);
    }

    private void loop(IntFunction<Prepared> requests, AtomicInteger next, Histogram histogram, AtomicLong errors, AtomicLong done,
            long end, CountDownLatch finished) {
        if (System.nanoTime() >= end) {
            finished.countDown();
            return;
        }
        Prepared p = requests.apply(next.getAndIncrement());
        long start = System.nanoTime();
        Runnable again = () -> loop(requests, next, histogram, errors, done, end, finished);
        send(p, () -> {
            record(histogram, start);
            done.incrementAndGet();
            again.run();
        }, () -> {
            errors.incrementAndGet();
            done.incrementAndGet();
            again.run();
        });
    }

    Result openLoop(String name, int ratePerSecond, int seconds, IntFunction<Prepared> requests) throws InterruptedException {
        Histogram histogram = new org.HdrHistogram.ConcurrentHistogram(60_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        int total = ratePerSecond * seconds;
        CountDownLatch finished = new CountDownLatch(total);
        long started = System.nanoTime();
        double intervalNanos = 1e9 / ratePerSecond;
        AtomicInteger issued = new AtomicInteger();
        long timer = vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (issued.get() < total) {
                int i = issued.get();
                long intended = started + (long) (i * intervalNanos);
                if (intended > now) {
                    break;
                }
                issued.incrementAndGet();
                send(requests.apply(i), () -> {
                    record(histogram, intended);
                    done.incrementAndGet();
                    finished.countDown();
                }, () -> {
                    errors.incrementAndGet();
                    done.incrementAndGet();
                    finished.countDown();
                });
            }
        });
        finished.await(seconds + 60L, TimeUnit.SECONDS);
        vertx.cancelTimer(timer);
        double elapsed = (System.nanoTime() - started) / 1e9;
        return new Result(name, done.get(), errors.get(), elapsed, histogram);
    }

    private static void record(Histogram histogram, long startNanos) {
        histogram.recordValue(Math.min(60_000_000L, Math.max(1, (System.nanoTime() - startNanos) / 1000)));
    }
}
