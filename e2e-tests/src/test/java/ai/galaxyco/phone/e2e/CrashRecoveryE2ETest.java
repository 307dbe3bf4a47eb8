package ai.galaxyco.phone.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.signature.SignalWireSignature;
import ai.galaxyco.phone.testsupport.KafkaBrokerProcess;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of a process in the middle of its work, as the packaged services run: an outbound instance killed while
 * SignalWire holds its request (the message was sent, the answer never came back) sends nothing twice once started
 * again; a gateway killed with answered webhooks in its spool publishes every one of them after its restart.
 */
class CrashRecoveryE2ETest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static RunningSystem system;

    @RegisterExtension
    static final BeforeAllCallback SYSTEM = context -> system = SeedProcedureE2ETest.system = RunningSystem.shared(context);

    @Test
    void anOutboundInstanceKilledMidSendSendsTheMessageExactlyOnceAfterItsRestart() throws Exception {
        String org = SeedProcedureE2ETest.newOrg("crash");
        assertEquals(204, SeedProcedureE2ETest.clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro",
                System.currentTimeMillis()));
        String number = await().atMost(WAIT).until(() -> SeedProcedureE2ETest.activeNumber(org), n -> n != null);
        await().atMost(WAIT).until(() -> SeedProcedureE2ETest.messagingState(org, number), "SENDABLE"::equals);

        // SignalWire sends the message and then never answers: outbound dies while it waits
        system.sandbox.takeEffectThenHang("/Messages", "From", number, 1);
        String body = "sent once despite the crash " + UUID.randomUUID();
        HttpResponse<String> accepted = SeedProcedureE2ETest.send(org, "+14155550177", body);
        assertEquals(202, accepted.statusCode(), accepted.body());
        String id = RunningSystem.json(accepted).path("id").asText();
        await().atMost(WAIT).until(() -> requestsWithBody(body), n -> n == 1);
        system.kill("outbound-service");

        // started again, it finds the message left SENDING without a sid; it asks SignalWire before sending (recovery
        // after 2 s here), finds the message there and takes its sid (SignalWire's "queued": SENDING until a callback)
        system.restart("outbound-service", Map.of("OUTBOUND_SENDING_RECOVERY_AFTER", "2s"));
        await().atMost(WAIT).until(() -> providerSidOf(id) != null);
        assertEquals("SENDING", RunningSystem.json(system.get("outbound-service", "/api/workspaces/" + org + "/messages/" + id,
                TestTokens.forWorkspace(org))).path("status").asText());
        // judged behind a marker: a second message from the same number leaves after it (one lane per number)
        HttpResponse<String> marker = SeedProcedureE2ETest.send(org, "+14155550177", "marker " + body);
        assertEquals(202, marker.statusCode(), marker.body());
        await().atMost(WAIT).until(() -> requestsWithBody("marker " + body), n -> n == 1);
        assertEquals(1, requestsWithBody(body), "SignalWire was asked to send the message once");
        system.assertAllAlive();
    }

    @Test
    void aGatewayKilledWithWebhooksInItsSpoolPublishesThemAllAfterItsRestart() throws Exception {
        // a gateway of its own, on a broker process this test can stop: webhooks answered while it is down wait in the spool
        KafkaBrokerProcess broker = KafkaBrokerProcess.start();
        String name = "webhook-gateway-spool";
        try (TopicProbe inbound = TopicProbe.on(broker.bootstrapServers(), Topics.INBOUND_MESSAGES)) {
            Map<String, String> env = new java.util.HashMap<>(system.environments.get("webhook-gateway"));
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            env.put("GATEWAY_SPOOL_DIR", Files.createTempDirectory(Path.of("target"), "spool-crash-").toAbsolutePath().toString());
            system.startExtra(name, "webhook-gateway", env);

            broker.kill();
            String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String sid = "SMcrash" + run + "n" + i;
                ids.add("signalwire:sms:" + sid);
                assertEquals(200, signedSms(name, sid, "spooled before the crash " + i), "answered from the spool");
            }
            system.kill(name);

            broker.restart();
            system.startExtra(name, "webhook-gateway", env);
            var published = await().atMost(WAIT).until(() -> inbound.records(r -> r.value() != null && r.value().contains(run)),
                    records -> records.stream().map(r -> TopicProbe.header(r, CloudEventHeaders.ID)).distinct().count() == ids.size());
            assertEquals(ids, published.stream().map(r -> TopicProbe.header(r, CloudEventHeaders.ID)).distinct().toList(),
                    "every answered webhook published, in the order answered, with its event id");
        } finally {
            Process gateway = system.processes.remove(name);
            if (gateway != null) {
                RunningSystem.stopAll(List.of(gateway));
            }
            broker.close();
        }
    }

    /** The SignalWire sid outbound recorded for its message (in its own database: the API does not show it). */
    static String providerSidOf(String messageId) throws Exception {
        try (var db = system.database("outbound-service");
                var q = db.prepareStatement("select provider_sid from outbound.message where id = ?::uuid")) {
            q.setString(1, messageId);
            try (var rows = q.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    static long requestsWithBody(String body) {
        return system.sandbox.requests("POST", "/Messages").stream().filter(r -> body.equals(r.param("Body"))).count();
    }

    /** An inbound SMS webhook signed as SignalWire signs it (over the public URL the gateways are configured with). */
    static int signedSms(String gateway, String sid, String text) throws Exception {
        List<Map.Entry<String, String>> params = List.of(Map.entry("MessageSid", sid), Map.entry("AccountSid", "e2e-project"),
                Map.entry("From", "+14155550178"), Map.entry("To", "+12125550143"), Map.entry("Body", text), Map.entry("NumMedia", "0"));
        String publicUrl = system.environments.get(gateway).get("NEXT_PUBLIC_APP_URL") + "/api/webhooks/signalwire/sms";
        String form = params.stream().map(p -> URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return system.http.send(HttpRequest.newBuilder(URI.create(system.url(gateway, "/api/webhooks/signalwire/sms")))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-SignalWire-Signature", SignalWireSignature.formSignature(RunningSystem.SIGNING_KEY, publicUrl, params))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
