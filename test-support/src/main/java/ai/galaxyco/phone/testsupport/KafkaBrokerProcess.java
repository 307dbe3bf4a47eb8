package ai.galaxyco.phone.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real KRaft Kafka broker in a child process, on a fixed port and data directory, so a test can kill it
 * (kill -9) and start it again where clients expect it: the in-process broker of {@link KafkaKRaftResource}
 * cannot be restarted. As a test resource it points the channel named by the {@code channel} init argument at
 * this broker (the rest of the service keeps the in-process one), or without that argument the whole service,
 * and exposes it through {@link #current()}.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static volatile KafkaBrokerProcess current;

    private final Path directory;
    private final int port;
    private Process process;

    private KafkaBrokerProcess(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Formats a data directory, starts the broker and creates every registry topic. */
    public static KafkaBrokerProcess start() {
        try {
            Path directory = Files.createTempDirectory("kafka-process-");
            int port = freePort();
            int controllerPort = freePort();
            Files.writeString(directory.resolve("server.properties"), String.join("\n",
                    "process.roles=broker,controller", "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    "log.dirs=" + directory.resolve("data"), "num.partitions=1", "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0", ""));
            Process format = java("kafka.tools.StorageTool", "format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(),
                    "-c", directory.resolve("server.properties").toString())
                    .redirectOutput(directory.resolve("format.log").toFile()).start();
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("formatting the broker's storage failed: "
                        + Files.readString(directory.resolve("format.log")));
            }
            KafkaBrokerProcess broker = new KafkaBrokerProcess(directory, port);
            broker.restart();
            KafkaKRaftResource.createTopics(broker.bootstrapServers());
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a Kafka broker process", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** kill -9: the broker vanishes mid-conversation, as in a crash. */
    public synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts the broker on its port and data directory and waits until it takes connections. */
    public synchronized void restart() throws IOException, InterruptedException {
        kill();
        process = java("kafka.Kafka", directory.resolve("server.properties").toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.log").toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited; see " + directory.resolve("broker.log"));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the broker did not listen within 120 s; see " + directory.resolve("broker.log"));
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** The broker started by the test resource. */
    public static KafkaBrokerProcess current() {
        return current;
    }

    private static ProcessBuilder java(String mainClass, String... args) {
        var command = new java.util.ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:TieredStopAtLevel=1"); // C1 only, as the test JVMs: a broker that lives a minute or two
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(java.util.List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private static int freePort() {
        return TestPorts.free();
    }
    /** Test resource: {@code @QuarkusTestResource(value = KafkaBrokerProcess.Resource.class, initArgs = channel)}. */
    public static final class Resource implements QuarkusTestResourceLifecycleManager {

        private String channel;

        @Override
        public void init(Map<String, String> initArgs) {
            channel = initArgs.get("channel");
        }

        @Override
        public Map<String, String> start() {
            current = KafkaBrokerProcess.start();
            return Map.of(channel == null ? "kafka.bootstrap.servers" : "mp.messaging.outgoing." + channel + ".bootstrap.servers",
                    current.bootstrapServers());
        }

        @Override
        public void stop() {
            try {
                current.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
