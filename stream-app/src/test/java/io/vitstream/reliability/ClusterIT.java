package io.vitstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitstream.cli.Main;
import io.vitstream.kafka.EmbeddedKafkaCluster;
import io.vitstream.kafka.TopicNames;
import io.vitstream.publish.FashionMnistSource;
import io.vitstream.publish.SourceImage;
import io.vitstream.reliability.PartitionedPredictions.Seen;
import io.vitstream.store.ModelStore;
import io.vitstream.store.Sha256;
import io.vitstream.store.VersionFiles;
import io.vitstream.testing.ShippedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The app scaled out as users run it: {@code vitstream run} processes with one application id, each
 * in a folder of its own (config, state, model store), sharing nothing but a cluster of three
 * brokers (replication factor 3, {@code min.insync.replicas} 2). Real Fashion-MNIST images stream
 * in at a steady rate over 6 partitions while one instance is SIGKILLed, one broker stops, a new
 * version is promoted on one instance and announced through Kafka, and an instance with an empty
 * store joins. Every image must get exactly one prediction ({@code read_committed}), and every
 * instance must serve the promoted version, its files read from Kafka.
 *
 * <p>Prints the fail-over times (from the SIGKILL, or the broker's stop, to the first prediction of
 * a later image on every partition, next to the same figure with no failure), the time the
 * promotion takes to reach each instance and each partition's output, and the new instance's start.
 * Version 2 is version 1's weights with one bit changed, so that its sha256 differs.
 */
class ClusterIT {
  private static final int PARTITIONS = 6;
  private static final int RATE = Integer.getInteger("vitstream.cluster.rate", 100);
  private static final String APP = "cluster-it";
  private static final String NAME = ShippedModel.NAME;
  private static final String IDS = "cl-";
  private static final Duration START = Duration.ofSeconds(120);

  /** How long a failure may stop output on a partition (session timeout, transaction timeout). */
  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);

  /** How long a promoted version may take to be served by every running instance. */
  private static final Duration PROMOTION_BOUND = Duration.ofSeconds(30);

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void shouldPredictEveryImageOnceAndServeThePromotedVersionEverywhereThroughFailures(
      @TempDir Path a, @TempDir Path b, @TempDir Path c, @TempDir Path d) throws Exception {
    List<SourceImage> dataset = new FashionMnistSource(FashionMnistSource.DEFAULT_DIR).read(10_000);
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.of(3).start()) {
      String bootstrap = cluster.bootstrapServers();
      String predictions = TopicNames.defaults().predictions();
      System.out.printf("cluster: 3 brokers up in %d ms%n", msSince(t0));

      // Given instance A, whose own store holds the shipped v1, promoted
      ModelStore storeA = ShippedModel.copyInto(a.resolve("model-store"));
      try (var reader = PartitionedPredictions.start(bootstrap, predictions);
          AppProcess appA = AppProcess.run(configure(bootstrap, a), a)) {
        assertThat(appA.awaitServing(START)).as("A serving").isTrue();
        assertThat(appA.servingLine()).startsWith("run: serving fashion-mnist v1 ");

        // And instances B and C, started with empty stores: v1 comes to them through Kafka
        long t1 = System.nanoTime();
        try (AppProcess appB = AppProcess.run(configure(bootstrap, b), b);
            AppProcess appC = AppProcess.run(configure(bootstrap, c), c)) {
          assertThat(appB.awaitServing(START)).as("B serving").isTrue();
          assertThat(appC.awaitServing(START)).as("C serving").isTrue();
          System.out.printf("cluster: B and C (empty stores) serving after %d ms%n", msSince(t1));
          assertThat(appB.servingLine()).startsWith("run: serving fashion-mnist v1 ");
          assertThat(appC.servingLine()).startsWith("run: serving fashion-mnist v1 ");

          // When real images stream in at a steady rate, predicted on every partition
          try (var publisher =
              SteadyPublisher.start(
                  bootstrap, TopicNames.defaults().images(), dataset, IDS, RATE)) {
            resumed(reader, 0, System.currentTimeMillis(), START);
            // (the same figure with nothing failing, for reference)
            outputAfter(reader, publisher, "no failure (reference)", () -> {});

            // And C is killed with SIGKILL mid-stream
            // Then output resumes on every partition, C's included
            outputAfter(reader, publisher, "SIGKILL of instance C (1 of 3)", appC::kill);

            // When broker 3 of 3 stops mid-stream
            // Then output resumes on every partition
            outputAfter(
                reader, publisher, "stop of broker 3 (1 of 3)", () -> cluster.stopBroker(3));

            // When A's store gets a version 2 (parent 1), promoted and announced through Kafka
            int v2 = resaveAsNextVersion(storeA);
            long promote = System.currentTimeMillis();
            promoteAndAnnounce(a, v2);
            long announced = System.currentTimeMillis() - promote;

            // Then A and B each serve it within the bound, as their metrics report
            Map<String, Long> reached =
                awaitVersion(Map.of("A", appA, "B", appB), v2, promote, PROMOTION_BOUND);
            System.out.printf(
                "cluster: promotion announced in %d ms (artifact and event on Kafka); serving v%d"
                    + " after %s ms%n",
                announced, v2, reached);
            assertThat(reached.values())
                .allSatisfy(ms -> assertThat(ms).isLessThan(PROMOTION_BOUND.toMillis()));

            // And B's copy, read from Kafka into its own store, has the sha256 of A's
            String sha = sha(storeA.files(NAME, v2));
            assertThat(sha).isNotEqualTo(sha(storeA.files(NAME, 1)));
            ModelStore storeB = ModelStore.open(b.resolve("model-store"));
            assertThat(storeB.versions(NAME)).containsExactly(1, v2);
            assertThat(sha(storeB.files(NAME, v2))).isEqualTo(sha);

            // And every partition's predictions turn to v2 and stay there
            long[] v2First = resumed(reader, s -> s.version() == v2, promote, PROMOTION_BOUND);
            System.out.printf(
                "cluster: first v%d prediction on each partition after %s ms%n",
                v2, Arrays.toString(v2First));
            for (int p = 0; p < PARTITIONS; p++) {
              List<Integer> versions = reader.versions(p);
              assertThat(versions.subList(versions.indexOf(v2), versions.size()))
                  .as("versions on partition %d after the first v%d", p, v2)
                  .containsOnly(v2);
            }

            // When instance D starts with an empty store
            Files.createDirectories(d.resolve("model-store"));
            long join = System.nanoTime();
            try (AppProcess appD = AppProcess.run(configure(bootstrap, d), d)) {
              // Then it serves v2, fetched from Kafka, and takes its share of the images
              assertThat(appD.awaitServing(START)).as("D serving").isTrue();
              long serving = msSince(join);
              assertThat(appD.servingLine()).startsWith("run: serving fashion-mnist v" + v2 + " ");
              ModelStore storeD = ModelStore.open(d.resolve("model-store"));
              assertThat(storeD.versions(NAME)).containsExactly(v2);
              assertThat(sha(storeD.files(NAME, v2))).isEqualTo(sha);
              await("D predicting")
                  .atMost(FAILOVER_BOUND)
                  .pollInterval(Duration.ofMillis(100))
                  .until(() -> predicted(appD) > 0);
              System.out.printf(
                  "cluster: D (empty store) serving v%d after %d ms, predicting after %d ms%n",
                  v2, serving, msSince(join));

              // When the stream ends
              publisher.close();
              int total = publisher.sent();

              // Then every image has exactly one prediction, none lost, none twice
              await("every image predicted")
                  .atMost(START)
                  .pollInterval(Duration.ofMillis(200))
                  .until(() -> reader.distinct() >= total);
              await("no duplicate in a quiet time")
                  .during(Duration.ofSeconds(2))
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> reader.total() == total);
              assertThat(publisher.error()).isEmpty();
              assertThat(publisher.failed()).as("images refused").isZero();
              assertThat(reader.failure()).isEmpty();
              assertThat(reader.duplicates()).isEmpty();
              assertThat(reader.distinct()).isEqualTo(total);
              long correct = reader.count(s -> s.label().equals(publisher.truth(s.id())));
              // the real images were classified: v1's test accuracy is 0.88
              assertThat(correct).isGreaterThan(total * 80L / 100);
              for (AppProcess app : List.of(appA, appB, appD)) {
                assertThat(app.isAlive()).isTrue();
                assertThat(app.errors()).isEmpty();
              }
              System.out.printf(
                  Locale.ROOT,
                  "cluster: %d images at %d/s, lost 0, duplicated 0, top-1 accuracy %.3f;"
                      + " predictions made by A %d, B %d, D %d (C was killed)%n",
                  total,
                  RATE,
                  correct / (double) total,
                  predicted(appA),
                  predicted(appB),
                  predicted(appD));
            }
          }
        }
      }
    }
  }

  private static Path configure(String bootstrap, Path dir) throws IOException {
    return AppProcess.configure(bootstrap, PARTITIONS, dir, APP, "metrics.port=0");
  }

  /**
   * Waits until every partition has a prediction of an image numbered {@code fromImage} or later.
   *
   * @return per partition, ms from {@code sinceMs} to the arrival of the first such prediction
   */
  private static long[] resumed(
      PartitionedPredictions reader, int fromImage, long sinceMs, Duration max) {
    return resumed(reader, s -> number(s.id()) >= fromImage, sinceMs, max);
  }

  private static long[] resumed(
      PartitionedPredictions reader, Predicate<Seen> which, long sinceMs, Duration max) {
    await("a matching prediction on every partition")
        .atMost(max)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                IntStream.range(0, PARTITIONS)
                    .allMatch(p -> reader.firstArrival(p, which).isPresent()));
    return IntStream.range(0, PARTITIONS)
        .mapToLong(p -> reader.firstArrival(p, which).getAsLong() - sinceMs)
        .toArray();
  }

  /**
   * Does {@code what} mid-stream, then waits until every partition has predicted an image sent
   * after it began.
   *
   * @return per partition, ms from the start of {@code what} to that prediction
   */
  private static long[] outputAfter(
      PartitionedPredictions reader, SteadyPublisher publisher, String what, Step step)
      throws Exception {
    int from = publisher.sent();
    long start = System.currentTimeMillis();
    step.run();
    long done = System.currentTimeMillis() - start;
    long[] resumed = resumed(reader, from, start, FAILOVER_BOUND);
    System.out.printf(
        "cluster: %s at image %d (took %d ms): first prediction of a later image on each"
            + " partition after %s ms (max %d ms)%n",
        what, from, done, Arrays.toString(resumed), max(resumed));
    return resumed;
  }

  /** A step of the scenario. */
  private interface Step {
    void run() throws Exception;
  }

  private static int number(String id) {
    return Integer.parseInt(id.substring(IDS.length()));
  }

  private static long max(long[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }

  /**
   * Version 1's files saved as the next version, with parent 1: the weights with the lowest
   * mantissa bit of the last float flipped (a change of one part in ten million), so that the new
   * version's sha256 differs from v1's.
   */
  private static int resaveAsNextVersion(ModelStore store) throws IOException {
    VersionFiles v1 = store.files(NAME, 1);
    byte[] weights = Files.readAllBytes(v1.weights());
    weights[weights.length - 4] ^= 1; // fp32 little endian: the last float's lowest byte
    String oldSha = Sha256.hex(Files.readAllBytes(v1.weights()));
    String manifest =
        Files.readString(v1.manifest())
            .replaceFirst("\"version\": 1,", "\"version\": 2,")
            .replaceFirst("\"parent_version\": 0,", "\"parent_version\": 1,")
            .replace(oldSha, Sha256.hex(weights));
    assertThat(
            store.importVersion(
                NAME, 2, manifest.getBytes(StandardCharsets.UTF_8), List.of(weights)))
        .isTrue();
    assertThat(store.manifest(NAME, 2).parentVersion()).isEqualTo(1);
    return 2;
  }

  /** {@code vitstream model promote NAME:V --announce} on the instance in {@code home}. */
  private static void promoteAndAnnounce(Path home, int version) {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    int rc =
        cli.execute(
            "model",
            "promote",
            NAME + ":" + version,
            "--announce",
            "--config",
            home.resolve("app.properties").toString(),
            "--store",
            home.resolve("model-store").toString());
    assertThat(rc).as(out.toString()).isZero();
    assertThat(out.toString()).contains("announced on ");
  }

  /**
   * Waits until every instance's metrics report {@code version} served.
   *
   * @return per instance, ms from {@code sinceMs} to the first scrape that reported it
   */
  private static Map<String, Long> awaitVersion(
      Map<String, AppProcess> apps, int version, long sinceMs, Duration max) {
    Map<String, Long> reached = new LinkedHashMap<>();
    await("v" + version + " served by " + apps.keySet())
        .atMost(max)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              apps.forEach(
                  (name, app) -> {
                    if (!reached.containsKey(name)
                        && AppMetrics.value(app, "vitstream_model_version", "fashion-mnist")
                                .orElse(0)
                            == version) {
                      reached.put(name, System.currentTimeMillis() - sinceMs);
                    }
                  });
              return reached.size() == apps.size();
            });
    return reached;
  }

  /** Predictions the instance made so far, as its metrics report. */
  private static long predicted(AppProcess app) {
    return (long) AppMetrics.value(app, "vitstream_predictions_out_total", "").orElse(0);
  }

  private static String sha(VersionFiles files) throws IOException {
    return Sha256.hex(Files.readAllBytes(files.weights()));
  }

  private static long msSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
