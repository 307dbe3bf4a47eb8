package ai.galaxyco.phone.routing;

import static ai.galaxyco.phone.routing.RoutingFlowTest.WAIT;
import static ai.galaxyco.phone.routing.RoutingFlowTest.inbound;
import static ai.galaxyco.phone.routing.RoutingFlowTest.newNumber;
import static ai.galaxyco.phone.routing.RoutingFlowTest.newOrg;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.Tenancy;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every number's label is its inbox: conversations land in it, follow a relabel, and a contact is seen across inboxes. */
@QuarkusTest
class InboxesTest {

    @Inject
    EntityManager em;

    void assign(PhoneNumber number, String org, String label) {
        var a = new NumberAssignment(number, WorkspaceId.of(org), label, false, "sid-" + number, null, Instant.now());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, a.key(), a, UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select label from number_assignment where assignment_key = ?1").setParameter(1, number.e164())
                .getResultList().contains(label)));
    }

    static JsonPath get(String org, String path) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + path).then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void aContactWritingToSalesAndToSupportHasTwoConversationsSeenTogether() {
        String org = newOrg();
        PhoneNumber sales = newNumber();
        PhoneNumber support = newNumber();
        assign(sales, org, "Sales");
        assign(support, org, "Support");
        PhoneNumber person = PhoneNumber.parse(ai.galaxyco.phone.testsupport.TestNumbers.next("+1415557", 4));
        inbound(person, sales, "Do you ship to Canada?", "SM" + UUID.randomUUID());
        inbound(person, support, "My order is late", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> get(org, "/conversations").getList("items").size() == 2);

        JsonPath inSales = get(org, "/conversations?inbox=sales");
        assertEquals(List.of("Sales"), inSales.getList("items.inbox"));
        assertEquals(List.of(sales.e164()), inSales.getList("items.phoneNumber"));
        assertEquals(List.of(true), inSales.getList("items.unread"));
        assertEquals(List.of("Support"), get(org, "/conversations?inbox=Support").getList("items.inbox"));

        JsonPath together = get(org, "/contacts/" + person.e164() + "/conversations");
        assertEquals(2, together.getList("items").size());
        assertEquals(List.of("Sales", "Support"), together.getList("items.inbox", String.class).stream().sorted().toList());

        JsonPath inboxes = get(org, "/inboxes");
        assertEquals(List.of("Sales", "Support"), inboxes.getList("items.label"));
        assertEquals(List.of(sales.e164()), inboxes.getList("items[0].phoneNumbers"));
        assertEquals(1, inboxes.getInt("items[0].conversations"));
        assertEquals(1, inboxes.getInt("items[0].unread"));

        // one conversation by id, as the list shows it; another workspace's is not found
        String salesConversation = inSales.getString("items[0].id");
        JsonPath one = get(org, "/conversations/" + salesConversation);
        assertEquals(salesConversation, one.getString("id"));
        assertEquals("Sales", one.getString("inbox"));
        assertEquals(true, one.getBoolean("unread"));
        String stranger = newOrg();
        given().auth().oauth2(TestTokens.forWorkspace(stranger)).get("/api/workspaces/" + stranger + "/conversations/"
                + salesConversation).then().statusCode(404).contentType("application/problem+json");

        // reading a conversation clears its unread mark until the contact writes again
        given().auth().oauth2(TestTokens.forWorkspace(org)).post("/api/workspaces/" + org + "/conversations/" + salesConversation
                + "/read").then().statusCode(200);
        assertEquals(0, get(org, "/inboxes").getInt("items[0].unread"));
        inbound(person, sales, "Hello?", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> get(org, "/inboxes").getInt("items[0].unread") == 1);
    }

    @Test
    void relabellingANumberMovesItsConversationsToTheNewInbox() {
        String org = newOrg();
        PhoneNumber number = newNumber();
        assign(number, org, "Sales");
        PhoneNumber person = PhoneNumber.parse(ai.galaxyco.phone.testsupport.TestNumbers.next("+1415557", 4));
        inbound(person, number, "Hi", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> get(org, "/conversations?inbox=Sales").getList("items").size() == 1);

        assign(number, org, "Support");
        assertEquals(List.of(), get(org, "/conversations?inbox=Sales").getList("items"));
        assertEquals(1, get(org, "/conversations?inbox=Support").getList("items").size());
        assertEquals(List.of("Support"), get(org, "/inboxes").getList("items.label"));
        // a message after the relabel joins the same conversation
        inbound(person, number, "Still there?", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> get(org, "/conversations?inbox=Support").getList("items").size() == 1
                && given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/conversations/"
                        + get(org, "/conversations").getString("items[0].id") + "/messages").then().extract().jsonPath()
                        .getList("items").size() == 2);
    }

    @Test
    void inboxEndpointsRefuseOtherCallers() {
        String org = newOrg();
        assertEquals(List.of(), Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/inboxes", org));
        assertEquals(List.of(), Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/contacts/+14155550100/conversations", org));
        assertEquals(List.of(), Tenancy.refusalsOf("POST", "/api/workspaces/" + org + "/conversations/" + UUID.randomUUID() + "/read", org));
        assertEquals(List.of(), Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/conversations/" + UUID.randomUUID(), org));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/contacts/nobody/conversations").then()
                .statusCode(400).contentType("application/problem+json");
    }
}
