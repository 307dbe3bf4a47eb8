package ai.galaxyco.phone.routing.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One thread between a workspace's number and a contact on one channel (SMS and MMS share a thread). */
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
}
