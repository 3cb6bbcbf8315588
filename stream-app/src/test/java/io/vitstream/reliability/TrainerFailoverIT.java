package io.vitstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitstream.avro.Feedback;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.feedback.FineTuneRequest;
import io.vitstream.feedback.FineTuneRequestSerde;
import io.vitstream.feedback.HoldoutSplit;
import io.vitstream.kafka.EmbeddedKafkaCluster;
import io.vitstream.kafka.TopicNames;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.Clients;
import io.vitstream.testing.IdxFiles;
import io.vitstream.testing.ShippedModel;
import io.vitstream.testing.TestImages;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single trainer and its fail-over: two {@code vitstream run} processes with the feedback loop
 * on, the same application id and nothing shared but a 3-broker cluster. Labels trigger a
 * fine-tuning run; the instance running it is SIGKILLed mid-run; the other takes over the feedback
 * task (its stores restored from their changelogs) and the request partition, and completes a later
 * run. The fine-tuning requests show that no label was lost or counted twice.
 */
class TrainerFailoverIT {
  private static final String APP = "trainer-failover-it";
  private static final int PARTITIONS = 2;
  private static final int TRIGGER = 100;
  private static final double HOLDOUT_FRACTION = 0.3;
  private static final int IMAGES = 320;

  private static final String START = "fine-tuning on ";
  private static final String END = "fine-tune of ";
  private static final SingleObjectAvroSerde<ModelVersion> VERSIONS =
      new SingleObjectAvroSerde<>(ModelVersion.class);
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);

  /** Settings that make a run trigger after 100 training labels and promote quickly. */
  private static final String[] LOOP = {
    "feedback.enabled=true",
    "topic.create=true", // the fine-tuning request topic
    "metrics.port=0",
    "max.batch.size=16",
    "max.batch.delay.ms=10",
    "feedback.trigger.labels=" + TRIGGER,
    "feedback.trigger.interval.s=86400",
    "feedback.trigger.accuracy.drop=1",
    "feedback.trigger.min.labels=1",
    "feedback.holdout.fraction=" + HOLDOUT_FRACTION,
    "feedback.holdout.max.count=1000",
    "feedback.replay.per.class=20",
    "feedback.live.window=50",
    "feedback.rollback.min.labels=1000",
    "feedback.gate.margin=0",
    "feedback.gate.tolerance=1",
    "feedback.gate.min.holdout=1",
    "finetune.rehearsal.examples=0",
    "finetune.adapter.epochs=5",
  };

  @Test
  @Timeout(300)
  void shouldHandTheTrainerOverWhenItsInstanceIsKilledMidRun(@TempDir Path a, @TempDir Path b)
      throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.of(3).start()) {
      String bootstrap = kafka.bootstrapServers();
      TopicNames topics = TopicNames.defaults();
      String requests = topics.feedback() + "-finetune";
      // Given two instances of one app, each with its own store holding the shipped version 1
      ShippedModel.copyInto(a.resolve("model-store"));
      ShippedModel.copyInto(b.resolve("model-store"));
      LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
      Path configA = AppProcess.configure(bootstrap, PARTITIONS, a, APP, loop(a, test));
      Path configB = AppProcess.configure(bootstrap, PARTITIONS, b, APP, loop(b, test));
      try (AppProcess first = AppProcess.run(configA, a);
          AppProcess second = AppProcess.run(configB, b)) {
        assertThat(first.awaitServing(Duration.ofSeconds(150))).as("instance a").isTrue();
        assertThat(second.awaitServing(Duration.ofSeconds(150))).as("instance b").isTrue();

        // And inverted images, predicted and remembered by the feedback loop
        LabeledImages inverted = ShippedModel.slice(test, 2000, 2000 + IMAGES, true);
        Clients.publish(bootstrap, topics.images(), events(inverted, 0, IMAGES, ""));
        assertThat(
                Clients.readCommitted(
                    bootstrap,
                    topics.predictions(),
                    PREDICTIONS.deserializer(),
                    IMAGES,
                    Duration.ofMillis(500),
                    Duration.ofSeconds(90)))
            .hasSize(IMAGES);
        Clients.awaitCommitted(bootstrap, APP + "-feedback", topics.images(), IMAGES);
        Phases phases = Phases.split(IMAGES, 2 * TRIGGER - 60, 60);

        // When the labels of 140 training images (and the holdout ones among them) arrive
        sendFeedback(bootstrap, topics.feedback(), inverted, phases.first());
        AppProcess trainer = awaitRunStart(List.of(first, second), Duration.ofSeconds(90));
        long runStart = System.nanoTime();
        AppProcess survivor = trainer == first ? second : first;
        // And the instance that runs the fine-tune is SIGKILLed during the run
        assertThat(ends(trainer)).as("the run is still going").isZero();
        trainer.kill();
        long killed = System.nanoTime();
        System.out.printf(
            "trainer failover: instance %s killed %d ms into its run%n",
            trainer == first ? "a" : "b", ms(killed - runStart));

        // And the labels of 60 more training images (and their holdout ones) arrive
        sendFeedback(bootstrap, topics.feedback(), inverted, phases.second());

        // Then the survivor's feedback task, restored, asks for a second run with the new labels
        List<FineTuneRequest> asked = awaitRequests(bootstrap, requests, 2);
        long secondRequest = System.nanoTime();
        assertThat(asked).hasSize(2);
        // And no label is lost or counted twice: the two runs' fresh examples are exactly the
        // 200 training labels sent, the holdout those of the holdout images, each once
        assertThat(asked).allSatisfy(r -> assertThat(r.fresh().count()).isEqualTo(TRIGGER));
        List<String> fresh = new ArrayList<>(examples(asked.get(0).fresh()));
        fresh.addAll(examples(asked.get(1).fresh()));
        assertThat(fresh)
            .containsExactlyInAnyOrderElementsOf(examples(inverted, phases.training()));
        List<String> heldOut = examples(asked.get(1).holdout());
        assertThat(heldOut)
            .doesNotHaveDuplicates()
            .containsAll(examples(asked.get(0).holdout()))
            .containsAll(examples(inverted, phases.holdoutOfFirst()))
            .isSubsetOf(examples(inverted, phases.holdout()));
        assertThat(examples(asked.get(1).replay()))
            .doesNotHaveDuplicates()
            .isSubsetOf(examples(inverted, phases.training()));

        // And the survivor runs the request of the new labels to a gate decision
        int holdoutOfSecond = asked.get(1).holdout().count();
        await("the survivor's run of the second request")
            .atMost(Duration.ofSeconds(150))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> finishedRunWithHoldout(survivor, holdoutOfSecond));
        long decided = System.nanoTime();
        List<Long> starts = survivor.readAt(START);
        List<Long> ends = survivor.readAt(END);
        List<Long> runMillis = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
          runMillis.add(ms(ends.get(i) - starts.get(i)));
        }
        List<ModelVersion> decisions = decisions(bootstrap);
        // one decision per run of the survivor's, none from the killed run
        assertThat(decisions).hasSize(ends.size());
        ModelVersion last = decisions.get(decisions.size() - 1);
        // (when the survivor found both requests waiting, the second kept the first's fresh labels)
        boolean merged =
            survivor.lines().stream().anyMatch(l -> l.contains("labels of a request it replaced"));
        assertThat(last.getFeedbackCount())
            .isEqualTo(
                asked.get(1).trainingSet().count() + (merged ? asked.get(0).fresh().count() : 0));
        System.out.printf(
            "trainer failover: kill to the survivor's first run %d ms (request partition), to the"
                + " second request %d ms (feedback task), to its gate decision %d ms; survivor's"
                + " run times (ms) %s: %s; decisions %s%n",
            ms(starts.get(0) - killed),
            ms(secondRequest - killed),
            ms(decided - killed),
            runMillis,
            runLines(survivor),
            decisions.stream().map(d -> d.getStatus() + " v" + d.getVersion()).toList());
        assertThat(survivor.isAlive()).isTrue();
        assertThat(survivor.errors()).isEmpty();

        // And the version the survivor promoted is what it serves
        int promoted =
            decisions.stream()
                .filter(d -> d.getStatus() == ModelStatus.PROMOTED)
                .mapToInt(ModelVersion::getVersion)
                .max()
                .orElseThrow(() -> new AssertionError("no run promoted: " + decisions));
        Clients.publish(bootstrap, topics.images(), events(inverted, 0, 20, "after-"));
        await("new images predicted by v" + promoted)
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    Clients.readCommitted(
                                bootstrap,
                                topics.predictions(),
                                PREDICTIONS.deserializer(),
                                IMAGES + 20,
                                Duration.ofMillis(200),
                                Duration.ofSeconds(10))
                            .stream()
                            .filter(r -> r.key().startsWith("after-"))
                            .filter(r -> r.value().getModelVersion() == promoted)
                            .count()
                        == 20);
      }
    }
  }

  /** The loop's settings, with a regression set of 500 original test images in {@code dir}. */
  private static String[] loop(Path dir, LabeledImages test) throws IOException {
    LabeledImages regression = test.slice(5000, 5500);
    Path images = dir.resolve("regression-images.gz");
    Path labels = dir.resolve("regression-labels.gz");
    IdxFiles.write(images, new int[] {regression.count(), 28, 28}, regression.pixels());
    IdxFiles.write(labels, new int[] {regression.count()}, regression.labels());
    List<String> lines = new ArrayList<>(List.of(LOOP));
    lines.add("feedback.regression.source=idx:" + images + "," + labels);
    return lines.toArray(String[]::new);
  }

  /**
   * Which labels go when: the first phase ends at its {@code firstTraining}-th training image, the
   * second at {@code secondTraining} more.
   */
  private record Phases(
      List<Integer> first, List<Integer> second, List<Integer> training, List<Integer> holdout) {
    static Phases split(int images, int firstTraining, int secondTraining) {
      HoldoutSplit split = new HoldoutSplit(HOLDOUT_FRACTION);
      List<Integer> first = new ArrayList<>();
      List<Integer> second = new ArrayList<>();
      List<Integer> training = new ArrayList<>();
      List<Integer> holdout = new ArrayList<>();
      for (int i = 0; i < images && training.size() < firstTraining + secondTraining; i++) {
        (training.size() < firstTraining ? first : second).add(i);
        (split.isHoldout(id(i)) ? holdout : training).add(i);
      }
      if (training.size() < firstTraining + secondTraining) {
        throw new IllegalArgumentException(images + " images hold too few training ones");
      }
      return new Phases(first, second, training, holdout);
    }

    List<Integer> holdoutOfFirst() {
      return holdout.stream().filter(first::contains).toList();
    }
  }

  private static String id(int i) {
    return "img-" + i;
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private static List<ImageEvent> events(LabeledImages data, int from, int to, String prefix) {
    List<ImageEvent> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(TestImages.pixels(prefix + id(i), 28, 28, 1, pixels(data, i)));
    }
    return out;
  }

  private static byte[] pixels(LabeledImages data, int i) {
    int len = data.imageLength();
    byte[] px = new byte[len];
    System.arraycopy(data.pixels(), i * len, px, 0, len);
    return px;
  }

  /** An example as a comparable string: its label and its pixels. */
  private static String example(int label, byte[] pixels) {
    return label + ":" + Base64.getEncoder().encodeToString(pixels);
  }

  private static List<String> examples(LabeledImages data, List<Integer> indices) {
    return indices.stream().map(i -> example(data.label(i), pixels(data, i))).toList();
  }

  private static List<String> examples(LabeledImages data) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < data.count(); i++) {
      out.add(example(data.label(i), pixels(data, i)));
    }
    return out;
  }

  private static void sendFeedback(
      String bootstrap, String topic, LabeledImages data, List<Integer> indices) throws Exception {
    var serde = new SingleObjectAvroSerde<>(Feedback.class);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap, "enable.idempotence", true),
            new StringSerializer(),
            serde.serializer())) {
      for (int i : indices) {
        var fb =
            Feedback.newBuilder()
                .setImageId(id(i))
                .setLabel(FashionMnist.LABELS.get(data.label(i)))
                .setSource("test")
                .setEventTime(Instant.now())
                .build();
        producer.send(new ProducerRecord<>(topic, fb.getImageId(), fb)).get();
      }
    }
  }

  /** The instance that prints a run's start first. */
  private static AppProcess awaitRunStart(List<AppProcess> apps, Duration timeout) {
    return await("a fine-tuning run starts")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> apps.stream().filter(app -> starts(app) > 0).findFirst(), Optional::isPresent)
        .orElseThrow();
  }

  private static long starts(AppProcess app) {
    return app.lines().stream().filter(l -> l.contains(START)).count();
  }

  private static long ends(AppProcess app) {
    return app.lines().stream().filter(l -> l.contains(END)).count();
  }

  private static List<String> runLines(AppProcess app) {
    return app.lines().stream()
        .filter(l -> l.contains(START) || l.contains(END) || l.contains("trained a candidate"))
        .map(l -> l.substring(l.indexOf(" - ") + 3))
        .map(l -> l.length() > 160 ? l.substring(0, 160) + "..." : l)
        .toList();
  }

  /** The last run the app started had this holdout, and every run it started has ended. */
  private static boolean finishedRunWithHoldout(AppProcess app, int holdout) {
    List<String> started = app.lines().stream().filter(l -> l.contains(START)).toList();
    return !started.isEmpty()
        && started.get(started.size() - 1).contains("holdout " + holdout + ":")
        && ends(app) == started.size();
  }

  private static List<FineTuneRequest> awaitRequests(String bootstrap, String topic, int n) {
    return Clients.readCommitted(
            bootstrap,
            topic,
            new FineTuneRequestSerde().deserializer(),
            n,
            Duration.ofMillis(500),
            Duration.ofSeconds(120))
        .stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  /** The gate's decisions on model-versions (promotions of a fine-tune and rejections). */
  private static List<ModelVersion> decisions(String bootstrap) {
    return Clients.readCommitted(
            bootstrap,
            TopicNames.defaults().modelVersions(),
            VERSIONS.deserializer(),
            Integer.MAX_VALUE,
            Duration.ofMillis(500),
            Duration.ofSeconds(3))
        .stream()
        .map(ConsumerRecord::value)
        .filter(v -> v.getStatus() == ModelStatus.PROMOTED || v.getStatus() == ModelStatus.REJECTED)
        .filter(v -> v.getFeedbackCount() != null)
        .toList();
  }
}
