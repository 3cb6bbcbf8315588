package io.vitstream.publish;

import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.RawPixels;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes images as ImageEvents keyed by id, at most {@code ratePerSecond} per second (0: no
 * limit), with an idempotent {@code acks=all} producer that retries each record within the delivery
 * timeout. Every image ends up acknowledged or counted under a failure cause in the {@link
 * PublishResult}; a failed image does not stop the others.
 *
 * <p>Sends are asynchronous, except until the first acknowledgement: Kafka 4.4 can lose the first
 * in-flight batch to a topic created moments before (KAFKA-15591). If that first wait times out, or
 * a later {@code send} times out waiting for the topic's metadata ({@code max.block.ms}), the
 * broker has been out of reach for a whole delivery timeout: the remaining images are not sent, and
 * count under that cause, rather than each waiting as long again.
 */
public final class ImagePublisher {
  /** The default for {@code delivery.timeout.ms} (and {@code max.block.ms}). */
  public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(120);

  /** The default {@code max.request.size}, the embedded broker's message limit. */
  public static final int DEFAULT_MAX_REQUEST_SIZE = 16 << 20;

  /**
   * Bytes a record batch of one record adds to its key and value, at most: the batch header (61),
   * the record header (21), and the key and value length varints (5 each) and header count (1).
   */
  static final int RECORD_OVERHEAD = 61 + 21 + 5 + 5 + 1;

  private final Map<String, Object> clientConfig;
  private final String topic;
  private final double ratePerSecond;
  private final Duration deliveryTimeout;
  private final SingleObjectAvroSerde<ImageEvent> serde =
      new SingleObjectAvroSerde<>(ImageEvent.class);

  /**
   * @param clientConfig producer settings, including bootstrap.servers
   * @param deliveryTimeout how long each record may take, retries included, to be acknowledged; it
   *     also bounds the wait for the topic's metadata ({@code max.block.ms})
   */
  public ImagePublisher(
      Map<String, Object> clientConfig,
      String topic,
      double ratePerSecond,
      Duration deliveryTimeout) {
    if (ratePerSecond < 0) {
      throw new IllegalArgumentException("rate must be >= 0, got " + ratePerSecond);
    }
    if (deliveryTimeout.toMillis() < 1000 || deliveryTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "delivery timeout must be between 1 s and 24 days, got " + deliveryTimeout);
    }
    this.clientConfig = Map.copyOf(clientConfig);
    this.topic = topic;
    this.ratePerSecond = ratePerSecond;
    this.deliveryTimeout = deliveryTimeout;
  }

  /**
   * Publishes every image and waits until each is acknowledged or has failed.
   *
   * @param progress called with the number of images handled so far (sent, refused or given up)
   * @return the count acknowledged and the failures by cause
   */
  public PublishResult publish(List<SourceImage> images, IntConsumer progress)
      throws InterruptedException {
    Map<String, Object> cfg = producerConfig(clientConfig, deliveryTimeout);
    int maxRequestSize = setting(cfg, ProducerConfig.MAX_REQUEST_SIZE_CONFIG).intValue();
    var tally = new DeliveryTally();
    try (var producer =
        new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      boolean acknowledgedOnce = false;
      for (int i = 0; i < images.size(); i++) {
        pace(start, i);
        SourceImage img = images.get(i);
        Optional<byte[]> value = encode(img, maxRequestSize, tally);
        if (value.isPresent()) {
          Future<RecordMetadata> sent = send(producer, img.id(), value.get(), tally);
          // Wait for the first acknowledgement (KAFKA-15591); later sends are only checked when
          // send() itself failed, e.g. after waiting max.block.ms for metadata.
          Optional<Throwable> failure =
              !acknowledgedOnce || sent.isDone() ? await(sent) : Optional.empty();
          acknowledgedOnce |= failure.isEmpty();
          if (failure.orElse(null) instanceof AuthenticationException denied) {
            throw denied; // no image can pass: one line from the CLI, not a count per cause
          }
          if (failure.orElse(null) instanceof TimeoutException timeout) {
            // out of reach for a whole delivery timeout: the rest would each wait as long
            tally.notSent(images.size() - i - 1, timeout);
            progress.accept(images.size());
            break;
          }
        }
        progress.accept(i + 1);
      }
      producer.flush();
    }
    return tally.result(images.size());
  }

  /**
   * The producer settings: idempotent with {@code acks=all}, the delivery timeout as {@code
   * delivery.timeout.ms} and {@code max.block.ms}, and {@code request.timeout.ms} lowered if needed
   * to fit in it (the producer refuses a delivery timeout below linger plus request timeout).
   */
  static Map<String, Object> producerConfig(
      Map<String, Object> clientConfig, Duration deliveryTimeout) {
    Map<String, Object> cfg = new HashMap<>(clientConfig);
    cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    cfg.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    cfg.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DEFAULT_MAX_REQUEST_SIZE);
    int delivery = (int) deliveryTimeout.toMillis();
    cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
    cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) delivery);
    long linger = setting(cfg, ProducerConfig.LINGER_MS_CONFIG).longValue();
    long request = setting(cfg, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).longValue();
    if (linger + request > delivery) {
      if (linger >= delivery) {
        throw new IllegalArgumentException(
            "delivery timeout " + delivery + " ms must exceed linger.ms " + linger);
      }
      cfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (delivery - linger));
    }
    return cfg;
  }

  /** A producer setting, parsed from text if given as text, else its default. */
  private static Number setting(Map<String, Object> cfg, String key) {
    ConfigDef def = ProducerConfig.configDef();
    Object value = cfg.containsKey(key) ? cfg.get(key) : def.defaultValues().get(key);
    return (Number) ConfigDef.parseType(key, value, def.configKeys().get(key).type);
  }

  /** The serialised event, or empty when it cannot be serialised or is too large to send. */
  private Optional<byte[]> encode(SourceImage img, int maxRequestSize, DeliveryTally tally) {
    byte[] value;
    try {
      value = serde.serializer().serialize(topic, toEvent(img));
    } catch (RuntimeException e) {
      tally.failed(img.id(), e);
      return Optional.empty();
    }
    long size = RECORD_OVERHEAD + img.id().getBytes(StandardCharsets.UTF_8).length + value.length;
    if (size > maxRequestSize) {
      tally.failed(
          img.id(),
          new RecordTooLargeException(
              "too large: "
                  + size
                  + " bytes > max.request.size "
                  + maxRequestSize
                  + " ("
                  + img.id()
                  + ")"));
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private Future<RecordMetadata> send(
      Producer<String, byte[]> producer, String id, byte[] value, DeliveryTally tally) {
    var callback = tally.callback(id);
    try {
      return producer.send(new ProducerRecord<>(topic, id, value), callback);
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      callback.onCompletion(null, e);
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Waits for one send; the callback has counted it either way. */
  private static Optional<Throwable> await(Future<RecordMetadata> sent)
      throws InterruptedException {
    try {
      sent.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(e.getCause());
    }
  }

  private void pace(long start, int i) throws InterruptedException {
    if (ratePerSecond > 0) {
      long due = start + (long) (i * 1e9 / ratePerSecond);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
  }

  /** The wire form; the event time is now. */
  public static ImageEvent toEvent(SourceImage img) {
    var b = ImageEvent.newBuilder().setImageId(img.id()).setEventTime(Instant.now());
    img.encoded()
        .ifPresent(
            bytes ->
                b.setEncoded(ByteBuffer.wrap(bytes))
                    .setContentType(
                        bytes.length > 1 && (bytes[0] & 0xFF) == 0xFF
                            ? "image/jpeg"
                            : "image/png"));
    img.pixels()
        .ifPresent(
            p ->
                b.setPixels(
                    new RawPixels(
                        p.height(), p.width(), p.channels(), ByteBuffer.wrap(p.pixels()))));
    return b.build();
  }
}
