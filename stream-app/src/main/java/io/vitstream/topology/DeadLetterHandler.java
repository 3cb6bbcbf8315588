package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;
import io.vitstream.metrics.Metrics;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure on one record into a {@link DeadLetter} on the topic named by {@code
 * errors.dead.letter.queue.topic.name} (KIP-1034), and lets the stream go on: a value that is not
 * readable (deserialization), a processor that throws on a record (processing), and a record made
 * from it that cannot be serialized or is too large for its topic (production). The letter keeps at
 * most {@code dead.letter.value.max.bytes} of the original value, so it can always be sent.
 *
 * <p>A failure that belongs to no record (a punctuation, e.g. a batch's forward pass) is not the
 * record's fault: it fails the stream thread, which stops the app so that a supervisor restarts it,
 * and the buffered records replay from the changelog.
 */
public final class DeadLetterHandler
    implements DeserializationExceptionHandler,
        ProcessingExceptionHandler,
        ProductionExceptionHandler {
  /** The configuration key of the most original bytes a letter keeps. */
  public static final String MAX_VALUE_BYTES_CONFIG = "dead.letter.value.max.bytes";

  /** The configuration key of the {@link Metrics} that count letters (an object, not a string). */
  public static final String METRICS_CONFIG = "vitstream.metrics";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);
  private final SingleObjectAvroSerde<DeadLetter> serde =
      new SingleObjectAvroSerde<>(DeadLetter.class);
  private DeadLetters letters = new DeadLetters(DeadLetters.DEFAULT_MAX_VALUE_BYTES);
  private String topic;
  private Metrics metrics = Metrics.noop();

  @Override
  public void configure(Map<String, ?> configs) {
    Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    topic = t == null || t.toString().isBlank() ? null : t.toString();
    if (configs.get(METRICS_CONFIG) instanceof Metrics m) {
      metrics = m;
    }
    Object max = configs.get(MAX_VALUE_BYTES_CONFIG);
    if (max != null) {
      letters = new DeadLetters(Integer.parseInt(max.toString().trim()));
    }
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    var source =
        new DeadLetters.Source(
            record.topic(), record.partition(), record.offset(), record.key(), record.value());
    return DeserializationExceptionHandler.Response.resume(
        letter(
            "not a readable record on topic " + record.topic() + ": " + exception.getMessage(),
            DeadLetters.DESERIALIZE,
            source,
            exception));
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (record == null) {
      LOG.error(
          "{} failed outside any record: {}", context.processorNodeId(), exception.toString());
      return ProcessingExceptionHandler.Response.fail();
    }
    return ProcessingExceptionHandler.Response.resume(
        letter(
            context.processorNodeId() + " failed: " + exception.getMessage(),
            DeadLetters.PROCESS,
            source(context),
            exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (!(exception instanceof RecordTooLargeException
        || exception instanceof InvalidRecordException)) {
      return ProductionExceptionHandler.Response.fail();
    }
    return unproducible(context, record, exception);
  }

  @Override
  public ProductionExceptionHandler.Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return unproducible(context, record, exception);
  }

  private ProductionExceptionHandler.Response unproducible(
      ErrorHandlerContext context, ProducerRecord<?, ?> record, Exception exception) {
    return ProductionExceptionHandler.Response.resume(
        letter(
            "cannot produce to " + record.topic() + ": " + exception.getMessage(),
            DeadLetters.PRODUCE,
            source(context),
            exception));
  }

  private List<ProducerRecord<byte[], byte[]>> letter(
      String reason, String stage, DeadLetters.Source source, Exception exception) {
    metrics.deadLetter(stage);
    if (topic == null) {
      LOG.warn(
          "dropping {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), reason);
      return List.of();
    }
    DeadLetter letter =
        letters.of(reason, stage, source, null, exception, System.currentTimeMillis());
    byte[] value = serde.encode(letter);
    byte[] key = letter.getOriginalKey() == null ? null : letter.getOriginalKey().array();
    return List.of(new ProducerRecord<>(topic, null, key, value));
  }

  private static DeadLetters.Source source(ErrorHandlerContext context) {
    return new DeadLetters.Source(
        context.topic(),
        context.partition(),
        context.offset(),
        context.sourceRawKey(),
        context.sourceRawValue());
  }

  /** Thrown by a size-checked serializer: the record would exceed its topic's limit. */
  public static final class TooLargeException extends SerializationException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }
}
