package ai.galaxyco.phone.routing.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An inbound message no workspace could be found for. */
@Entity
@Table(name = "unrouted_message")
public class UnroutedMessage extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "provider_sid", nullable = false)
    public String providerSid;

    @Column(name = "from_number", nullable = false)
    public String fromNumber;

    @Column(name = "to_number", nullable = false)
    public String toNumber;

    @Column(nullable = false)
    public String channel;

    /** The text as stored: U+0000 replaced by U+FFFD (see MessageText). */
    public String body;

    /** The exact text as received (UTF-8), only when {@link #body} differs from it. */
    @Column(name = "body_original")
    public byte[] bodyOriginal;

    @Column(nullable = false)
    public String reason;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;
}
