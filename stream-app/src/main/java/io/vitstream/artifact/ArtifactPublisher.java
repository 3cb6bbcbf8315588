package io.vitstream.artifact;

import io.vitstream.avro.ArtifactKind;
import io.vitstream.avro.ModelArtifact;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import io.vitstream.store.Sha256;
import io.vitstream.store.VersionFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a store version's files to the artifact topic: its weights in chunks, each with its
 * sha256, then a header with the manifest and the whole file's sha256. The header is sent only once
 * the broker acknowledged every chunk (idempotent producer, {@code acks=all}), and {@link #publish}
 * returns only once the header is acknowledged too, so an event sent after it never names a version
 * whose artifact is incomplete. See {@link ArtifactKeys} for the keys.
 */
public final class ArtifactPublisher implements AutoCloseable {
  /**
   * Room in a record for its key, the header fields, Avro framing and the batch envelope, besides
   * the chunk's bytes.
   */
  static final int RECORD_OVERHEAD_BYTES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(ArtifactPublisher.class);

  private final Map<String, Object> clientConfig;
  private final ArtifactSettings settings;
  private final KafkaProducer<String, ModelArtifact> producer;
  private final SingleObjectAvroSerde<ModelArtifact> serde =
      new SingleObjectAvroSerde<>(ModelArtifact.class);
  private int chunkBytes; // 0 until the topic's limit was read

  /**
   * @param clientConfig Kafka client settings (bootstrap servers, security)
   * @param settings the topic and the chunk size
   */
  public ArtifactPublisher(Map<String, Object> clientConfig, ArtifactSettings settings) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.settings = settings;
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Math.max(1 << 20, settings.chunkBytes() + RECORD_OVERHEAD_BYTES));
    this.producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer());
  }

  /**
   * Publishes a version of the store: chunks, then header, each acknowledged.
   *
   * @throws ArtifactException when the version is not in the store or Kafka refuses a record
   */
  public void publish(ModelStore store, String name, int version) {
    VersionFiles files = store.files(name, version);
    int size = chunkBytes();
    long t0 = System.nanoTime();
    try (InputStream in = Files.newInputStream(files.weights())) {
      MessageDigest whole = Sha256.digest();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      long total = 0;
      int index = 0;
      for (byte[] data = in.readNBytes(size); data.length > 0; data = in.readNBytes(size)) {
        whole.update(data);
        total += data.length;
        var chunk = record(name, version, ArtifactKind.CHUNK, index, data).build();
        Future<RecordMetadata> f = send(ArtifactKeys.chunk(name, version, index), chunk);
        if (index == 0) {
          await(f); // the first send to a new topic synchronously (KAFKA-15591)
        }
        sent.add(f);
        index++;
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        await(f);
      }
      byte[] manifest = Files.readAllBytes(files.manifest());
      var header =
          record(name, version, ArtifactKind.HEADER, 0, manifest)
              .setWeightsSha256(HexFormat.of().formatHex(whole.digest()))
              .setWeightsBytes(total)
              .setChunkCount(index)
              .setChunkBytes(size)
              .build();
      await(send(ArtifactKeys.header(name, version), header));
      LOG.info(
          "published {}:{} to {}: {} bytes in {} chunks of at most {} ({} ms)",
          name,
          version,
          settings.topic(),
          total,
          index,
          size,
          (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException e) {
      throw new ArtifactException(
          "cannot publish " + name + ":" + version + ": cannot read " + e.getMessage(), e);
    }
  }

  /**
   * Records {@code version} as the promoted one of {@code name}, for instances that start later.
   */
  public void promote(String name, int version) {
    chunkBytes(); // the topic exists
    var pointer = record(name, version, ArtifactKind.POINTER, 0, new byte[0]).build();
    await(send(ArtifactKeys.pointer(name), pointer));
  }

  /**
   * The chunk size: the configured one, lowered to what the topic accepts. The first call creates
   * the topic, compacted and with one partition, if it is missing (rather than leave it to the
   * broker's auto-creation, which would not compact it).
   */
  synchronized int chunkBytes() {
    if (chunkBytes == 0) {
      OptionalInt topicMax;
      try (Admin admin = Admin.create(clientConfig)) {
        TopicAdmin.createSinglePartition(
            admin,
            settings.topic(),
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        topicMax = TopicAdmin.maxMessageBytes(admin, List.of(settings.topic()));
      }
      chunkBytes = settings.chunkBytes();
      if (topicMax.isPresent() && topicMax.getAsInt() - RECORD_OVERHEAD_BYTES < chunkBytes) {
        chunkBytes = Math.max(1024, topicMax.getAsInt() - RECORD_OVERHEAD_BYTES);
        LOG.info(
            "{} takes records of at most {} bytes: chunks of {} bytes",
            settings.topic(),
            topicMax.getAsInt(),
            chunkBytes);
      }
    }
    return chunkBytes;
  }

  private static ModelArtifact.Builder record(
      String name, int version, ArtifactKind kind, int index, byte[] data) {
    return ModelArtifact.newBuilder()
        .setModelName(name)
        .setVersion(version)
        .setKind(kind)
        .setIndex(index)
        .setData(ByteBuffer.wrap(data))
        .setSha256(Sha256.hex(data));
  }

  private Future<RecordMetadata> send(String key, ModelArtifact value) {
    return producer.send(new ProducerRecord<>(settings.topic(), key, value));
  }

  private void await(Future<RecordMetadata> f) {
    try {
      f.get();
    } catch (ExecutionException e) {
      throw new ArtifactException(
          "cannot publish to " + settings.topic() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactException("interrupted while publishing to " + settings.topic(), e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
