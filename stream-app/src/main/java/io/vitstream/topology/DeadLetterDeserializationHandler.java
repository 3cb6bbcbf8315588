package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be deserialized (Avro garbage on the input topic) to the dead-letter
 * topic named by {@code errors.dead.letter.queue.topic.name} (KIP-1034), as {@link DeadLetter}s
 * holding the original bytes, and lets the stream go on. Without that setting it logs and skips.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
  private final SingleObjectAvroSerde<DeadLetter> serde =
      new SingleObjectAvroSerde<>(DeadLetter.class);
  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    topic = t == null || t.toString().isBlank() ? null : t.toString();
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    String reason = "not a readable ImageEvent: " + exception.getMessage();
    if (topic == null) {
      LOG.warn(
          "skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
      return Response.resume();
    }
    var source =
        new DeadLetters.Source(
            record.topic(), record.partition(), record.offset(), record.key(), record.value());
    DeadLetter letter =
        DeadLetters.of(
            reason, DeadLetters.DESERIALIZE, source, null, exception, System.currentTimeMillis());
    return Response.resume(
        List.of(new ProducerRecord<>(topic, null, record.key(), serde.encode(letter))));
  }
}
