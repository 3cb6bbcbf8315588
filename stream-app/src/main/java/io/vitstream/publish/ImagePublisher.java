package io.vitstream.publish;

import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.RawPixels;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes images as ImageEvents keyed by id, at most {@code ratePerSecond} per second (0: no
 * limit). The first send is synchronous: Kafka 4.4 can lose the first in-flight batch to a topic
 * created moments before (KAFKA-15591).
 */
public final class ImagePublisher {
  private final Map<String, Object> clientConfig;
  private final String topic;
  private final double ratePerSecond;
  private final SingleObjectAvroSerde<ImageEvent> serde =
      new SingleObjectAvroSerde<>(ImageEvent.class);

  /**
   * @param clientConfig producer settings, including bootstrap.servers
   */
  public ImagePublisher(Map<String, Object> clientConfig, String topic, double ratePerSecond) {
    if (ratePerSecond < 0) {
      throw new IllegalArgumentException("rate must be >= 0, got " + ratePerSecond);
    }
    this.clientConfig = Map.copyOf(clientConfig);
    this.topic = topic;
    this.ratePerSecond = ratePerSecond;
  }

  /**
   * Publishes every image and waits until all are acknowledged.
   *
   * @param progress called with the number sent so far
   */
  public void publish(List<SourceImage> images, IntConsumer progress)
      throws ExecutionException, InterruptedException {
    Map<String, Object> cfg = new HashMap<>(clientConfig);
    cfg.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    cfg.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    cfg.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
    try (var producer = new KafkaProducer<>(cfg, new StringSerializer(), serde.serializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < images.size(); i++) {
        if (ratePerSecond > 0) {
          long due = start + (long) (i * 1e9 / ratePerSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        SourceImage img = images.get(i);
        var sent = producer.send(new ProducerRecord<>(topic, img.id(), toEvent(img)));
        if (i == 0) {
          sent.get();
        }
        progress.accept(i + 1);
      }
      producer.flush();
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
