package io.vitstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitstream.avro.ImageEvent;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.kafka.TopicNames;
import io.vitstream.publish.FashionMnistSource;
import io.vitstream.publish.SourceImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak of the app as users run it: {@code vitstream run} in its own JVM, fed Fashion-MNIST test
 * images (cycled, each with a unique id) as fast as it keeps up, while its RSS is read every
 * second. Every image must be predicted exactly once, and RSS must stay flat after warm-up.
 *
 * <p>Two leak checks. RSS: the median over the last quarter of the run may exceed the median over
 * the second quarter (after warm-up) by less than {@value #LEAK_BOUND_MIB} MiB; medians, because
 * readings swing by up to 30 MiB from one second to the next (flat runs: -3 to +7 MiB). It catches
 * native leaks, such as NDArrays never closed: 1 KiB per image adds 49 MiB between the medians over
 * 100,000 images. Live heap: at 25 % the test lets the backlog drain and reads the live Java heap
 * after a full GC ({@code jcmd}); at the end, idle again, it may have grown by less than {@value
 * #HEAP_BOUND_MIB} MiB (flat runs: within 1 MiB when both readings are idle). A Java heap leak of 1
 * KiB per image adds 15 MiB over CI's 20,000 images and 73 MiB over 100,000. RSS alone would miss
 * it while the heap already touched has room (measured: +17 MiB for 1 KiB per image over 100,000
 * images); since the full GC shrinks the heap to fit, such a leak now also shows in RSS (measured:
 * +149 MiB over 20,000 images).
 *
 * <p>CI runs 60,000 images (half a minute here: a shorter run can end while the JVM still holds its
 * start-up heap, which it gives back after about 30 s, and read that as growth); {@code
 * -Dvitstream.soak.images=100000} is the full soak. The RSS series is written to {@code
 * target/soak/rss.csv} and plotted in {@code target/soak/rss.png}.
 */
class SoakIT {
  private static final int IMAGES = Integer.getInteger("vitstream.soak.images", 60_000);

  /** Images sent at once. */
  private static final int CHUNK = 500;

  /** The most images left unpredicted when the next chunk is sent. */
  private static final int BACKLOG = 1_000;

  /** How long the app may go without catching up before the test fails. */
  private static final Duration STALL = Duration.ofMinutes(2);

  private static final int LEAK_BOUND_MIB = 32;
  private static final int HEAP_BOUND_MIB = 8;
  private static final Path OUT = Path.of(System.getProperty("vitstream.soak.dir", "target/soak"));
  private static final String PREFIX = "soak-";

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void shouldPredictEveryImageOnceWithRssFlatAfterWarmUp(@TempDir Path dir) throws Exception {
    List<SourceImage> dataset = new FashionMnistSource(FashionMnistSource.DEFAULT_DIR).read(10_000);
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
      // Given the app running in its own process, and a read_committed reader of its predictions
      TopicNames topics = TopicNames.defaults();
      Path config = AppProcess.configure(kafka, dir, "soak-it");
      try (var reader =
              PredictionReader.start(
                  kafka.bootstrapServers(), topics.predictions(), id -> truth(dataset, id));
          var app = AppProcess.run(config)) {
        assertThat(app.awaitServing(Duration.ofSeconds(120))).as("app serving").isTrue();

        // When IMAGES images stream in, as fast as the app predicts them, with RSS read each second
        List<RssSample> samples;
        double heapAt25;
        long start = System.nanoTime();
        try (var rss = RssSampler.start(app.pid(), reader::total)) {
          heapAt25 = publish(kafka.bootstrapServers(), topics.images(), dataset, reader, app.pid());
          await("all predictions").atMost(STALL).until(() -> reader.total() >= IMAGES);
          rss.sample();
          samples = rss.samples();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        // Then every image is predicted exactly once (a late duplicate would show in a quiet time)
        await("no duplicates")
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(10))
            .until(() -> reader.total() == IMAGES);
        assertThat(reader.failure()).isEmpty();
        assertThat(reader.distinct()).isEqualTo(IMAGES);
        assertThat(app.isAlive()).isTrue();
        assertThat(app.errors()).isEmpty();
        double heapEnd = LiveHeap.mib(app.pid());
        // real images flowed: the served model's accuracy on the test set is 0.92
        assertThat(reader.correct()).isGreaterThan(IMAGES * 85 / 100);

        // And neither RSS nor the live Java heap grows after warm-up
        RssSummary rss = RssSummary.of(samples, IMAGES);
        System.out.printf(
            Locale.ROOT,
            "soak: %,d images in %.0f s (%.0f img/s); RSS MiB at 25%% %.0f, 50%% %.0f, end %.0f,"
                + " max %.0f; median of the last quarter %+.1f MiB over the second's (bound %d);"
                + " live heap MiB at 25%% %.1f, end %.1f (bound +%d)%n",
            IMAGES,
            seconds,
            IMAGES / seconds,
            rss.at25(),
            rss.at50(),
            rss.end(),
            rss.max(),
            rss.growth(),
            LEAK_BOUND_MIB,
            heapAt25,
            heapEnd,
            HEAP_BOUND_MIB);
        RssPlot.writeCsv(samples, OUT.resolve("rss.csv"));
        RssPlot.writePng(
            samples,
            String.format(Locale.ROOT, "vitstream run: RSS over a %,d-image soak", IMAGES),
            IMAGES,
            rss.secondQuarter() + LEAK_BOUND_MIB,
            OUT.resolve("rss.png"));
        assertThat(rss.growth()).as("RSS growth after warm-up, MiB").isLessThan(LEAK_BOUND_MIB);
        assertThat(heapEnd - heapAt25).as("live heap growth, MiB").isLessThan(HEAP_BOUND_MIB);
      }
    }
  }

  /**
   * Publishes IMAGES images in chunks, each once at most BACKLOG are still unpredicted, cycling the
   * data set with ids {@code soak-0, soak-1, ...}.
   *
   * @return the app's live heap, idle, once a quarter of the images are predicted, in MiB
   */
  private static double publish(
      String bootstrap, String topic, List<SourceImage> dataset, PredictionReader reader, long pid)
      throws Exception {
    double heapAt25 = Double.NaN;
    var failed = new AtomicInteger();
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5);
    var serde = new SingleObjectAvroSerde<>(ImageEvent.class);
    try (var producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer())) {
      for (int sent = 0; sent < IMAGES; ) {
        int backlog = sent;
        await("backlog drained")
            .atMost(STALL)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> backlog - reader.total() <= BACKLOG);
        if (Double.isNaN(heapAt25) && reader.total() >= IMAGES / 4) {
          // idle, as at the end: nothing in flight in the app's buffers
          await("backlog empty").atMost(STALL).until(() -> reader.total() >= backlog);
          heapAt25 = LiveHeap.mib(pid);
        }
        int end = Math.min(IMAGES, sent + CHUNK);
        for (; sent < end; sent++) {
          SteadyPublisher.send(producer, topic, PREFIX, sent, dataset, failed);
        }
        producer.flush();
      }
    }
    assertThat(failed).as("images not acknowledged").hasValue(0);
    return heapAt25;
  }

  /** The true label of {@code soak-<n>}: that of data set image n modulo its size. */
  private static String truth(List<SourceImage> dataset, String id) {
    int n = Integer.parseInt(id.substring(PREFIX.length()));
    return dataset.get(n % dataset.size()).label().orElseThrow();
  }

  /** The RSS of the first sample that matches. */
  private static double rssAt(List<RssSample> samples, Predicate<RssSample> when) {
    return samples.stream().filter(when).findFirst().orElseThrow().rssMib();
  }
}
