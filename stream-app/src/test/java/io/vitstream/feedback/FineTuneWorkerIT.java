package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.Clients;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FineTuneWorkerIT {
  private static final String REQUESTS = "wk-requests";
  private static final String VERSIONS = "wk-versions";

  /** Records what it is given; each run ends when the test completes its future. */
  private static final class Recorder implements FineTuner {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<FineTuneRequest> requests = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> runs = new CopyOnWriteArrayList<>();
    final List<ModelVersion> followed = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<?> submit(FineTuneRequest request) {
      started.add(request.feedback());
      requests.add(request);
      CompletableFuture<Void> run = new CompletableFuture<>();
      runs.add(run);
      return run;
    }

    @Override
    public void followRollback(ModelVersion decision) {
      followed.add(decision);
    }
  }

  private static byte[] request(String feedback) {
    return request(feedback, 0, false);
  }

  /** A request with {@code fresh} labelled images. */
  private static byte[] request(String feedback, int fresh, boolean urgent) {
    var none = new LabeledImages(0, 28, 28, new byte[0], new byte[0]);
    var images = new LabeledImages(fresh, 28, 28, new byte[fresh * 28 * 28], new byte[fresh]);
    return FineTuneRequestSerde.encode(new FineTuneRequest(images, none, none, feedback, urgent));
  }

  @Test
  @Timeout(120)
  void shouldRunOneRequestAtATimeTheNewestWaitingOneReplacingTheOthers() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
      String bootstrap = kafka.bootstrapServers();
      Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
      try (Admin admin = Admin.create(client)) {
        TopicAdmin.createSinglePartition(admin, REQUESTS, Map.of());
        TopicAdmin.createSinglePartition(admin, VERSIONS, Map.of());
      }
      Recorder tuner = new Recorder();
      try (var producer =
              new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer());
          FineTuneWorker worker =
              new FineTuneWorker(client, "wk-group", REQUESTS, VERSIONS, tuner)) {
        worker.start();

        // Given a first request running
        producer.send(new ProducerRecord<>(REQUESTS, "k", request("r1"))).get();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> tuner.started.size() == 1);

        // When two more arrive while it runs (an urgent one with 2 labels, then a routine one with
        // 3), and then it ends
        producer.send(new ProducerRecord<>(REQUESTS, "k", request("r2", 2, true))).get();
        producer.send(new ProducerRecord<>(REQUESTS, "k", request("r3", 3, false))).get();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> worker.waitingOffset() == 2);
        tuner.runs.get(0).complete(null);

        // Then only the newest runs next: r2 was replaced, never started, but its labels and its
        // urgency went on with r3
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tuner.started.size() == 2);
        assertThat(tuner.started)
            .containsExactly("r1", "r3; with 2 labels of a request it replaced");
        assertThat(tuner.requests.get(1).fresh().count()).isEqualTo(5);
        assertThat(tuner.requests.get(1).urgent()).isTrue();

        // And once r3 ends its offset is committed, so a restart would not run it again
        tuner.runs.get(1).complete(null);
        Clients.awaitCommitted(bootstrap, "wk-group", REQUESTS, 3);
        assertThat(worker.runs()).isEqualTo(2);

        // And a rollback decision on model-versions is followed
        var decision =
            ModelVersion.newBuilder()
                .setModelName("fm")
                .setVersion(1)
                .setStatus(ModelStatus.ROLLED_BACK)
                .setEventTime(Instant.now())
                .build();
        var serde = new SingleObjectAvroSerde<>(ModelVersion.class);
        producer.send(new ProducerRecord<>(VERSIONS, "fm", serde.encode(decision))).get();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tuner.followed.size() == 1);
      }
    }
  }
}
