package io.vitstream.topology;

import io.vitstream.avro.ImageEvent;
import io.vitstream.serde.SingleObjectAvroSerde;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * An image event as read from the topic, with the exact bytes it came in, so that a dead letter can
 * carry them.
 *
 * @param event the decoded event
 * @param raw the record value's bytes
 */
record ReceivedImage(ImageEvent event, byte[] raw) {

  /** Decodes ImageEvents and keeps the raw bytes; Avro garbage throws, for the DLQ handler. */
  static Deserializer<ReceivedImage> deserializer(SingleObjectAvroSerde<ImageEvent> serde) {
    return (topic, bytes) -> bytes == null ? null : new ReceivedImage(serde.decode(bytes), bytes);
  }
}
