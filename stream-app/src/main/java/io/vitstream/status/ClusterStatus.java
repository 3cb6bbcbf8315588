package io.vitstream.status;

import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.ModelVersion;
import io.vitstream.kafka.TopicNames;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the app's state from its topics alone: the model-versions and dead-letters topics from the
 * beginning up to their ends at the start of the read (read_committed), and the consumer group's
 * committed offsets on the images topic against the partitions' ends. Joins no group and commits
 * nothing.
 */
public final class ClusterStatus {
  /** The stage of a record on the dead-letters topic that is not a DeadLetter. */
  public static final String UNREADABLE = "unreadable";

  private final Map<String, Object> clientConfig;
  private final TopicNames topics;
  private final String group;
  private final Duration timeout;

  /**
   * @param clientConfig Kafka client settings, {@code bootstrap.servers} among them
   * @param topics the app's topics
   * @param group the inference service's consumer group, its application.id
   * @param timeout the longest wait for each topic or request
   */
  public ClusterStatus(
      Map<String, Object> clientConfig, TopicNames topics, String group, Duration timeout) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.topics = topics;
    this.group = group;
    this.timeout = timeout;
  }

  /**
   * Reads the status.
   *
   * @throws KafkaException when a request fails or a topic cannot be read to its end in time
   */
  public StatusReport read() throws InterruptedException {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "vitstream-status");
    try (Admin admin = Admin.create(c);
        KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      var versions = new SingleObjectAvroSerde<>(ModelVersion.class);
      List<ModelVersion> events = new ArrayList<>();
      readToEnd(admin, consumer, topics.modelVersions(), decoded(versions::decode, events::add));
      SortedMap<String, Long> dead = new TreeMap<>();
      var letters = new SingleObjectAvroSerde<>(DeadLetter.class);
      readToEnd(
          admin,
          consumer,
          topics.deadLetters(),
          r -> dead.merge(stage(letters, r.value()), 1L, Long::sum));
      return new StatusReport(topics, group, ServedModel.fromEvents(events), lag(admin), dead);
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "vitstream-status");
    return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private List<PartitionLag> lag(Admin admin) throws InterruptedException {
    List<TopicPartition> partitions = partitions(admin, topics.images());
    if (partitions.isEmpty()) {
      return List.of();
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<TopicPartition, ListOffsetsResultInfo> start =
        offsets(admin, partitions, OffsetSpec.earliest());
    Map<TopicPartition, ListOffsetsResultInfo> end =
        offsets(admin, partitions, OffsetSpec.latest());
    List<PartitionLag> lag = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = committed.get(tp);
      lag.add(
          new PartitionLag(
              tp.partition(),
              o == null ? OptionalLong.empty() : OptionalLong.of(o.offset()),
              start.get(tp).offset(),
              end.get(tp).offset()));
    }
    return lag;
  }

  private Map<TopicPartition, ListOffsetsResultInfo> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec) throws InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    return get(admin.listOffsets(request).all());
  }

  /** Reads {@code topic} from its beginning to its end as of now; nothing when it is missing. */
  private void readToEnd(
      Admin admin,
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      Consumer<ConsumerRecord<byte[], byte[]>> each)
      throws InterruptedException {
    List<TopicPartition> partitions = partitions(admin, topic);
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // read_committed: the LSO
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() - deadline > 0) {
        throw new KafkaException("could not read " + topic + " to its end in " + timeout);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          each.accept(r);
        }
      }
    }
    consumer.unsubscribe();
  }

  private List<TopicPartition> partitions(Admin admin, String topic) throws InterruptedException {
    try {
      TopicDescription d =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic);
      return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return List.of();
      }
      throw failure(e);
    } catch (TimeoutException e) {
      throw new KafkaException("no answer to describeTopics(" + topic + ") in " + timeout);
    }
  }

  private <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws InterruptedException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(e);
    } catch (TimeoutException e) {
      throw new KafkaException("no answer from Kafka in " + timeout);
    }
  }

  private static KafkaException failure(ExecutionException e) {
    return e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
  }

  private static String stage(SingleObjectAvroSerde<DeadLetter> serde, byte[] value) {
    try {
      return serde.decode(value).getStage();
    } catch (RuntimeException e) {
      return UNREADABLE;
    }
  }

  private static <T> Consumer<ConsumerRecord<byte[], byte[]>> decoded(
      Function<byte[], T> decode, Consumer<T> each) {
    return r -> {
      try {
        each.accept(decode.apply(r.value()));
      } catch (RuntimeException e) {
        // not a ModelVersion (or a tombstone): no services follow it either
      }
    };
  }
}
