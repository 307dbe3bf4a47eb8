package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.model.CloudEventHeaders;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes and reads CloudEvents 1.0 in Kafka binary content mode: attributes as {@code ce_*} headers, the
 * JSON event as the record value. The headers are written explicitly (not by the connector) so that a
 * tombstone and a keyed record carry exactly the same attributes.
 */
public final class CloudEventRecords {

    private CloudEventRecords() {
    }

    public static OutgoingKafkaRecordMetadata<String> metadata(String topic, String key, String eventId, String type,
            String source, Instant time) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.binary(eventId, type, source, time).forEach((name, value) -> headers.add(name, bytes(value)));
        return OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(key).withHeaders(headers).build();
    }

    /** The event id of a consumed record: its ce_id, or its position when a producer left the id out. */
    public static String eventId(ConsumerRecord<?, ?> record) {
        String id = header(record, CloudEventHeaders.ID);
        return id != null ? id : record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
