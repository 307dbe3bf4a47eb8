package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.values.MessageStatus;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A message accepted for sending; stored before the 202 so an accepted message survives any crash. */
@Entity
@Table(name = "message")
public class OutboundMessage extends PanacheEntityBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> URLS = new TypeReference<>() {
    };

    @Id
    public UUID id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "from_number", nullable = false)
    public String fromNumber;

    @Column(name = "from_shared", nullable = false)
    public boolean fromShared;

    @Column(name = "to_number", nullable = false)
    public String toNumber;

    public String body;

    /** JSON array of URLs. */
    @Column(name = "media_urls")
    public String mediaUrls;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public MessageStatus status;

    @Column(name = "provider_status")
    public String providerStatus;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(nullable = false)
    public int segments;

    @Column(name = "provider_sid")
    public String providerSid;

    public BigDecimal price;

    @Column(name = "price_unit")
    public String priceUnit;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "sending_started_at")
    public Instant sendingStartedAt;

    /** Set when a send's outcome is unknown: before sending again, SignalWire is asked whether it has the message. */
    @Column(name = "ambiguous_since")
    public Instant ambiguousSince;

    /**
     * Why a QUEUED message waits beyond its turn ({@code awaiting_registration}, or {@code held_for_review} by the
     * pumping guard); null when it is simply queued.
     */
    @Column(name = "held_reason")
    public String heldReason;

    /** The recipient's number range, as the pumping guard counts it. */
    @Column(name = "recipient_range")
    public String recipientRange;

    /** Whether the recipient was new to the workspace when the message was accepted (see PumpingGuard). */
    @Column(name = "new_recipient", nullable = false)
    public boolean newRecipient;

    /** When the request that SignalWire accepted left (its body written): what pacing counts from. */
    @Column(name = "departed_at")
    public Instant departedAt;

    /** The media URLs stored with the message (none for a text). */
    public List<String> mediaUrlList() {
        try {
            return mediaUrls == null ? List.of() : JSON.readValue(mediaUrls, URLS);
        } catch (Exception e) {
            throw new EventJson.MalformedEventException("stored media URLs unreadable", e);
        }
    }
}
