package ai.galaxyco.phone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.ConsentChanged;
import ai.galaxyco.phone.model.events.ForwardingUsage;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.MediaItem;
import ai.galaxyco.phone.model.events.MessageStatusChanged;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundRequest;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RegistrationRequested;
import ai.galaxyco.phone.model.events.RegistryStatusChanged;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.MessagingState;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each event's JSON is pinned by a golden file under src/test/resources/golden. A rename, removal or type
 * change of a field fails here before it can break a consumer that runs an older version. Adding a field
 * is compatible (readers ignore unknown fields): regenerate with {@code -Dgolden.update=true} and review
 * the diff.
 */
class GoldenEventsTest {

    static final Instant T = Instant.parse("2026-11-23T12:00:00Z");
    static final WorkspaceId WS = WorkspaceId.of("org_2g7np7Hrk0SN6kj5EDMLDaKNL0S");
    static final PhoneNumber OURS = PhoneNumber.parse("+12125550143");
    static final PhoneNumber CONTACT = PhoneNumber.parse("+14155550100");
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final ObjectMapper TREE = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static Map<Topic<?>, Object> samples() {
        var media = List.of(new MediaItem("https://files.signalwire.com/m/1.jpg", "image/jpeg"));
        return Map.ofEntries(
                Map.entry(Topics.WORKSPACE_LIFECYCLE, new WorkspaceLifecycleEvent(WS, WorkspaceLifecycleEvent.Kind.CREATED,
                        Plan.PRO, "212", "Acme Corp", 1716883200000L, "clerk:organization.created", T)),
                Map.entry(Topics.NUMBER_ASSIGNMENTS, new NumberAssignment(OURS, WS, "Main", false,
                        "3f1c5a2e-0000-4000-8000-000000000001", CONTACT, T, MessagingState.PENDING_REGISTRATION, Plan.PRO,
                        List.of("CA", "GB", "US"), "You have reached Acme. Please leave a message.")),
                Map.entry(Topics.PROVISIONING_RESULTS, new ProvisioningResult(WS, ProvisioningResult.Status.ACTIVE, Plan.PRO,
                        OURS, "3f1c5a2e-0000-4000-8000-000000000001", 1, null, null, T)),
                Map.entry(Topics.INBOUND_MESSAGES, new InboundMessage("SM123", "AC1", CONTACT, OURS, "Hello",
                        Channel.MMS, media, 1, T)),
                Map.entry(Topics.INBOUND_CALLS, new InboundCall("CA123", CONTACT, OURS, "ringing",
                        InboundCall.Disposition.DIAL_RESULT, WS, CONTACT, null, null, T, "no-answer", 0, null, null)),
                Map.entry(Topics.MESSAGE_STATUS, new MessageStatusChanged("SM123", "delivered", null, "+12125550143",
                        "+14155550100", 1, T)),
                Map.entry(Topics.CALL_STATUS, new CallStatusChanged("CA123", "completed", "+14155550100", "+12125550143",
                        42, 3, T)),
                Map.entry(Topics.OUTBOUND_REQUESTS, new OutboundRequest("req-1", WS, "+14155550100", "Hi there",
                        List.of("https://example.com/a.png"), null, "Sales", T)),
                Map.entry(Topics.OUTBOUND_RESULTS, new OutboundResult("msg-1", WS, "SM123", OURS, CONTACT, false, "Hi",
                        "delivered", null, 1, new BigDecimal("0.02"), "USD", T, T, Channel.MMS, 1)),
                Map.entry(Topics.ROUTED_MESSAGES, new RoutedMessage("SM123", WS, "conv-1", OURS, "Main", CONTACT,
                        Channel.SMS, "Hello", media, T)),
                Map.entry(Topics.CONSENT_CHANGES, new ConsentChanged(OURS, CONTACT, WS, ConsentChanged.Kind.OPT_OUT,
                        "STOP", "SM124", T)),
                Map.entry(Topics.REGISTRY_STATUS, new RegistryStatusChanged("number_assignment", "number_assignment_activated",
                        "completed", "9b5e1a44-0000-4000-8000-00000000c001", "9b5e1a44-0000-4000-8000-00000000a001",
                        "9b5e1a44-0000-4000-8000-00000000b001", OURS, null, T, T)),
                Map.entry(Topics.REGISTRATION_REQUESTS, new RegistrationRequested(OURS, WS, "21717",
                        "From must belong to an active campaign", "msg-1", T)),
                Map.entry(Topics.FORWARDING_USAGE, new ForwardingUsage(WS, java.time.LocalDate.of(2026, 11, 23), 1260, T)));
    }

    @TestFactory
    List<DynamicTest> everyEventMatchesItsGoldenFile() {
        assertEquals(Topics.ALL.size(), samples().size(), "every topic needs a golden sample");
        return samples().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().name(), () -> {
            Path file = GOLDEN.resolve(e.getKey().name() + ".json");
            String actual = EventJson.write(e.getValue());
            if (Boolean.getBoolean("golden.update")) {
                // rewriting the expectation would make CI pass whatever the code does
                if (System.getenv("CI") != null) {
                    throw new AssertionError("-Dgolden.update rewrites the golden files; it is refused when CI is set");
                }
                Files.writeString(file, TREE.writerWithDefaultPrettyPrinter().writeValueAsString(TREE.readTree(actual)) + "\n");
            }
            assertTrue(Files.exists(file), "missing golden file " + file + " (run with -Dgolden.update=true)");
            String golden = Files.readString(file);
            assertEquals(tree(golden), tree(actual), "JSON of " + e.getKey().payloadType().getSimpleName() + " changed");
            assertEquals(e.getValue(), EventJson.read(golden, e.getKey().payloadType()), "golden file no longer reads back");
        })).toList();
    }

    @Test
    void assignmentsWrittenBeforeMessagingStateExistedReadAsSendable() {
        String before = "{\"phoneNumber\":\"+12125550143\",\"workspaceId\":\"org_1\",\"label\":\"Main\",\"shared\":false}";
        NumberAssignment read = EventJson.read(before, NumberAssignment.class);
        assertEquals(null, read.messaging());
        assertTrue(read.sendable());
        assertTrue(!new NumberAssignment(OURS, WS, "Main", false, null, null, T, MessagingState.VERIFICATION_PENDING).sendable());
    }

    @Test
    void outboundResultsWrittenBeforeChannelExistedReadAsSmsWithoutMedia() {
        String before = "{\"messageId\":\"msg-1\",\"workspaceId\":\"org_1\",\"status\":\"SENT\",\"segments\":2}";
        OutboundResult read = EventJson.read(before, OutboundResult.class);
        assertEquals(Channel.SMS, read.channel());
        assertEquals(0, read.mediaCount());
        assertEquals(Channel.MMS, EventJson.read("{\"messageId\":\"m\",\"mediaCount\":2}", OutboundResult.class).channel());
    }

    @Test
    void readersIgnoreFieldsAddedLater() {
        String withExtra = "{\"messageSid\":\"SM1\",\"status\":\"sent\",\"brandNewField\":42}";
        assertEquals("sent", EventJson.read(withExtra, MessageStatusChanged.class).status());
    }

    @Test
    void malformedEventsAreReportedAsSuch() {
        assertThrows(EventJson.MalformedEventException.class, () -> EventJson.read("{not json", InboundMessage.class));
        assertThrows(EventJson.MalformedEventException.class,
                () -> EventJson.read("{\"to\":\"not a number\"}", InboundMessage.class));
        assertThrows(EventJson.MalformedEventException.class, () -> EventJson.read(null, InboundMessage.class));
    }

    private static JsonNode tree(String json) throws IOException {
        return TREE.readTree(json);
    }
}
