package io.vitstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.app.AppConfig;
import io.vitstream.app.FeedbackChild;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback decision is a record of the transaction that made it: when that transaction is aborted
 * (the process is killed before its commit) and the input replayed, the decision is made again and
 * read_committed readers see it once.
 */
class FeedbackReplayIT {
  private static final SingleObjectAvroSerde<ModelVersion> VERSIONS =
      new SingleObjectAvroSerde<>(ModelVersion.class);

  @Test
  @Timeout(300)
  void shouldPublishARollbackDecisionOnceWhenItsTransactionIsAbortedAndReplayed(
      @TempDir Path state, @TempDir Path logs) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
      // Given version 2 (fine-tuned from 1) promoted, and labels on which v1 is right, v2 wrong
      String bootstrap = kafka.bootstrapServers();
      AppConfig c = FeedbackChild.config(bootstrap, "it-replay", state.toString());
      FeedbackSettings settings = FeedbackChild.settings(c);
      try (Admin admin = Admin.create(c.clientConfig())) {
        TopicAdmin.createMissing(admin, settings.topics(), 1);
        TopicAdmin.createSinglePartition(admin, settings.requestsTopic(), Map.of());
      }
      String versions = settings.topics().modelVersions();

      // When the loop decides the rollback with a commit 50 s away, and is killed before it (its
      // transaction is aborted when it times out, 60 s after it began)
      Process first = child(bootstrap, state, logs, 50_000);
      try {
        String labelled = "it-replay-feedback-labelled-repartition";
        Awaitility.await("internal topics created")
            .atMost(Duration.ofSeconds(60))
            .until(() -> exists(c, labelled));
        publish(bootstrap, versions, labelled);
        Awaitility.await("decision sent, not committed")
            .atMost(Duration.ofSeconds(120))
            .until(() -> rollbacks(bootstrap, versions, "read_uncommitted") == 1);
        assertThat(rollbacks(bootstrap, versions, "read_committed")).isZero();
      } finally {
        first.destroyForcibly();
        first.waitFor(30, TimeUnit.SECONDS);
      }

      // and a new process replays the same input
      Process second = child(bootstrap, state, logs, 100);
      try {
        Awaitility.await("decision committed")
            .atMost(Duration.ofSeconds(120))
            .until(() -> rollbacks(bootstrap, versions, "read_committed") >= 1);

        // Then the decision was made twice (the aborted one and its replay) and published once
        Awaitility.await("replayed decision written")
            .atMost(Duration.ofSeconds(30))
            .until(() -> rollbacks(bootstrap, versions, "read_uncommitted") == 2);
        assertThat(rollbacks(bootstrap, versions, "read_committed")).isEqualTo(1);
      } finally {
        second.destroyForcibly();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Process child(String bootstrap, Path state, Path logs, int commitMs)
      throws Exception {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            FeedbackChild.class.getName(),
            bootstrap,
            "it-replay",
            state.toString(),
            String.valueOf(commitMs))
        .redirectErrorStream(true)
        .redirectOutput(logs.resolve("child-" + commitMs + ".log").toFile())
        .start();
  }

  private static long rollbacks(String bootstrap, String topic, String isolation) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("isolation.level", isolation);
    try (var consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      var tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      List<ModelVersion> seen = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 5_000;
      while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(VERSIONS.decode(r.value()));
        }
      }
      return seen.stream().filter(v -> v.getStatus() == ModelStatus.ROLLED_BACK).count();
    }
  }

  private static boolean exists(AppConfig c, String topic) throws Exception {
    try (Admin admin = Admin.create(c.clientConfig())) {
      return admin.listTopics().names().get().contains(topic);
    }
  }

  /**
   * The promotion of version 2, then labelled examples straight onto the trainer's input (the
   * stages before it commit between them): version 1 right on all, version 2 wrong on all.
   */
  private static void publish(String bootstrap, String versions, String labelled) throws Exception {
    Map<String, Object> props =
        Map.of("bootstrap.servers", bootstrap, "max.in.flight.requests.per.connection", 1);
    var examples = Example.serde().serializer();
    try (var producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      ModelVersion promoted =
          ModelVersion.newBuilder()
              .setModelName("fm")
              .setVersion(2)
              .setStatus(ModelStatus.PROMOTED)
              .setParentVersion(1)
              .setEventTime(Instant.now())
              .build();
      producer.send(new ProducerRecord<>(versions, "fm", VERSIONS.encode(promoted))).get();
      int n = 2 * FeedbackChild.WINDOW;
      for (int i = 0; i < 2 * n; i++) {
        String id = "x" + i;
        boolean first = i < n;
        var e = new Example(id, 4, new byte[28 * 28], "fm", first ? 1 : 2, first);
        producer.send(new ProducerRecord<>(labelled, id, examples.serialize(labelled, e))).get();
      }
    }
  }
}
