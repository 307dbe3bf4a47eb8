package ai.galaxyco.phone.routing.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One thread between a workspace's number and a contact on one channel (SMS and MMS share a thread), in the inbox of
 * that number's label.
 */
@Entity
@Table(name = "conversation")
public class Conversation extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(nullable = false)
    public String contact;

    @Column(name = "our_number", nullable = false)
    public String ourNumber;

    @Column(nullable = false)
    public String channel;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_message_at", nullable = false)
    public Instant lastMessageAt;

    /** The label of the number the conversation came through; follows the number when it is relabelled. */
    @Column(nullable = false)
    public String inbox;

    @Column(name = "last_inbound_at")
    public Instant lastInboundAt;

    @Column(name = "last_read_at")
    public Instant lastReadAt;

    /** A message from the contact arrived after the conversation was last read. */
    public boolean unread() {
        return lastInboundAt != null && (lastReadAt == null || lastInboundAt.isAfter(lastReadAt));
    }
}
