package ai.galaxyco.phone.routing.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "conversation_message")
public class ConversationMessage extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "conversation_id", nullable = false)
    public UUID conversationId;

    @Column(nullable = false)
    public String direction;

    @Column(name = "provider_sid")
    public String providerSid;

    @Column(name = "outbound_id")
    public String outboundId;

    /** The text as stored: U+0000 replaced by U+FFFD (see MessageText). */
    public String body;

    /** The exact text as received (UTF-8), only when {@link #body} differs from it. */
    @Column(name = "body_original")
    public byte[] bodyOriginal;

    /** JSON array of {url, contentType}. */
    public String media;

    public String status;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
