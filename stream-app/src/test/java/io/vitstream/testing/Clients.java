package io.vitstream.testing;

import io.vitstream.avro.ImageEvent;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/** Plain clients for broker tests. */
public final class Clients {
  private Clients() {}

  /** Sends ImageEvents keyed by id; the first send is synchronous (KAFKA-15591). */
  public static void publish(String bootstrap, String topic, List<ImageEvent> events)
      throws ExecutionException, InterruptedException {
    var serde = new SingleObjectAvroSerde<>(ImageEvent.class);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            serde.serializer())) {
      for (int i = 0; i < events.size(); i++) {
        var f =
            producer.send(new ProducerRecord<>(topic, events.get(i).getImageId(), events.get(i)));
        if (i == 0) {
          f.get();
        }
      }
      producer.flush();
    }
  }

  /** Sends raw bytes, up to the embedded broker's message limit. */
  public static void publishRaw(String bootstrap, String topic, String key, byte[] value)
      throws ExecutionException, InterruptedException {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                EmbeddedKafka.MAX_MESSAGE_BYTES),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /**
   * Reads a topic from the start with read_committed until {@code expected} records arrived and
   * then {@code quiet} passes with nothing new, or until {@code timeout}.
   */
  public static <V> List<ConsumerRecord<String, V>> readCommitted(
      String bootstrap,
      String topic,
      Deserializer<V> values,
      int expected,
      Duration quiet,
      Duration timeout) {
    return readCommitted(
        Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        topic,
        values,
        expected,
        quiet,
        timeout);
  }

  /** As above, with any client settings (bootstrap servers, security). */
  public static <V> List<ConsumerRecord<String, V>> readCommitted(
      Map<String, Object> clientConfig,
      String topic,
      Deserializer<V> values,
      int expected,
      Duration quiet,
      Duration timeout) {
    Map<String, Object> cfg = new HashMap<>(clientConfig);
    cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(cfg, new StringDeserializer(), values)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        var records = consumer.poll(Duration.ofMillis(100));
        records.forEach(out::add);
        if (out.size() >= expected && (records.count() > 0 || quietUntil == Long.MAX_VALUE)) {
          quietUntil = System.nanoTime() + quiet.toNanos();
        }
      }
    }
    return out;
  }

  /** Waits until a consumer group (a Streams app) is stable with {@code n} members. */
  public static void awaitMembers(String bootstrap, String group, int n) {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      Awaitility.await("group " + group + " stable with " + n + " members")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(ExecutionException.class)
          .until(
              () -> {
                var d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return d.groupState() == GroupState.STABLE && d.members().size() == n;
              });
    }
  }

  /** Waits until a consumer group has committed {@code offset} records of {@code topic}. */
  public static void awaitCommitted(String bootstrap, String group, String topic, long offset) {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      Awaitility.await("offsets of " + topic + " committed by " + group + " up to " + offset)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  admin
                      .listConsumerGroupOffsets(group)
                      .partitionsToOffsetAndMetadata()
                      .get()
                      .entrySet()
                      .stream()
                      .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                      .mapToLong(e -> e.getValue().offset())
                      .sum(),
              committed -> committed >= offset);
    }
  }
}
