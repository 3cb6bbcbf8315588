package io.vitstream.bench;

import io.vitstream.kafka.TopicAdmin;
import io.vitstream.kafka.TopicNames;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.publish.SourceImage;
import io.vitstream.store.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/**
 * Throughput against the number of {@code vitstream run} instances on one cluster. For each count:
 * fresh topics, that many child processes with the same application id (each with a model store of
 * its own, a copy of the given one), and once all of them are in one stable group a backlog of
 * images published at full speed; the predictions are read back {@code read_committed} and timed.
 * The rate is taken in the steady window ({@link SteadyRate}), and each process's CPU over that
 * window from {@code /proc}.
 */
public final class ScaleBench {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

  private final Setup setup;
  private final Consumer<String> progress;

  /**
   * @param bootstrapServers the cluster
   * @param partitions partitions of the images and predictions topics
   * @param skip share of the first predictions left out as warm-up
   * @param modelStore the store whose model {@code modelName} each instance gets a copy of
   * @param modelName the model served (its promoted version)
   * @param appSettings further {@code key=value} settings for every instance
   */
  public record Setup(
      String bootstrapServers,
      int partitions,
      double skip,
      Path modelStore,
      String modelName,
      Map<String, String> appSettings) {
    public Setup {
      if (partitions < 1 || skip < 0 || skip >= 0.9) {
        throw new IllegalArgumentException("need partitions >= 1 and skip in [0, 0.9)");
      }
      appSettings = Map.copyOf(appSettings);
    }
  }

  public ScaleBench(Setup setup, Consumer<String> progress) {
    this.setup = setup;
    this.progress = progress;
  }

  /** Measures every count, the baseline first, each on topics of its own. */
  public List<ScaleRow> run(InstanceCounts counts, List<SourceImage> images) throws Exception {
    String run = Long.toString(System.currentTimeMillis(), 36);
    List<ScaleRow.Measured> measured = new ArrayList<>();
    for (int n : counts.counts()) {
      measured.add(measure(n, images, "scale-" + run + "-" + n));
    }
    return measured.stream().map(m -> ScaleRow.of(m, measured.get(0))).toList();
  }

  private ScaleRow.Measured measure(int n, List<SourceImage> images, String appId)
      throws Exception {
    TopicNames topics =
        new TopicNames(
            appId + "-images",
            appId + "-predictions",
            appId + "-feedback",
            appId + "-model-versions",
            appId + "-dead-letters",
            appId + "-model-artifacts");
    Path dir = Files.createTempDirectory("vitstream-scale-");
    List<AppChild> children = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", setup.bootstrapServers()))) {
      TopicAdmin.createMissing(admin, topics, setup.partitions());
      long t0 = System.nanoTime();
      for (int i = 1; i <= n; i++) {
        Path home = dir.resolve("instance-" + i);
        ModelStore.copyModel(setup.modelStore(), setup.modelName(), home.resolve("model-store"));
        children.add(AppChild.start(config(home, appId, topics), home));
      }
      for (AppChild c : children) {
        if (!c.awaitServing(START_TIMEOUT)) {
          throw new IllegalStateException(
              "instance "
                  + c.pid()
                  + " did not start serving:"
                  + System.lineSeparator()
                  + c.tail());
        }
      }
      awaitStableGroup(admin, appId, n);
      double startup = (System.nanoTime() - t0) / 1e9;
      progress.accept(
          String.format(
              java.util.Locale.ROOT,
              "%d instance(s) in one stable group after %.1f s; publishing %,d images",
              n,
              startup,
              images.size()));
      List<Long> pids = new ArrayList<>(children.stream().map(AppChild::pid).toList());
      long self = ProcessHandle.current().pid();
      pids.add(self);
      long[] arrivals;
      CpuSampler cpu = CpuSampler.start(pids);
      try (PredictionTimer timer = PredictionTimer.open(setup.bootstrapServers(), topics)) {
        new ImagePublisher(
                Map.of("bootstrap.servers", setup.bootstrapServers()),
                topics.images(),
                0,
                ImagePublisher.DEFAULT_DELIVERY_TIMEOUT)
            .publish(images, k -> {})
            .requireComplete(topics.images());
        arrivals = timer.await(images.size(), RUN_TIMEOUT, () -> checkAlive(children));
      } finally {
        cpu.close();
      }
      SteadyRate rate = SteadyRate.of(arrivals, setup.skip());
      long[] sorted = arrivals.clone();
      Arrays.sort(sorted);
      long from = sorted[(int) (sorted.length * setup.skip())];
      long to = from + (long) (rate.seconds() * 1000);
      List<Double> cores = new ArrayList<>();
      for (AppChild c : children) {
        cores.add(cpu.cores(c.pid(), from, to));
      }
      progress.accept(
          String.format(
              java.util.Locale.ROOT,
              "%d instance(s): %.1f img/s over %.1f s",
              n,
              rate.perSecond(),
              rate.seconds()));
      return new ScaleRow.Measured(
          n,
          rate,
          cores,
          cpu.cores(self, from, to),
          cpu.cores(CpuSampler.MACHINE, from, to),
          startup);
    } finally {
      children.forEach(AppChild::signalStop);
      for (AppChild c : children) {
        c.close();
      }
      deleteTree(dir);
    }
  }

  /** The config file of one instance: its own state folder, the shared application id. */
  private Path config(Path home, String appId, TopicNames topics) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("bootstrap.servers=" + setup.bootstrapServers());
    lines.add("application.id=" + appId);
    lines.add("state.dir=" + home.resolve("state"));
    lines.add("topic.create=false");
    lines.add("metrics.port=0");
    lines.add("model.name=" + setup.modelName());
    lines.add("topic.images=" + topics.images());
    lines.add("topic.predictions=" + topics.predictions());
    lines.add("topic.feedback=" + topics.feedback());
    lines.add("topic.model.versions=" + topics.modelVersions());
    lines.add("topic.dead.letters=" + topics.deadLetters());
    lines.add("topic.model.artifacts=" + topics.modelArtifacts());
    setup.appSettings().forEach((k, v) -> lines.add(k + "=" + v));
    Path file = home.resolve("app.properties");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  /** Waits until the Streams group has {@code n} members and is stable (no rebalance running). */
  private static void awaitStableGroup(Admin admin, String group, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "not described";
    while (System.nanoTime() < deadline) {
      try {
        ConsumerGroupDescription d =
            admin.describeConsumerGroups(List.of(group)).all().get(5, TimeUnit.SECONDS).get(group);
        last = d.groupState() + " with " + d.members().size() + " members";
        if (d.groupState() == GroupState.STABLE && d.members().size() == n) {
          return;
        }
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        last = e.getMessage();
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException(
        "group " + group + " not stable with " + n + " members in time: " + last);
  }

  private static void checkAlive(List<AppChild> children) {
    for (AppChild c : children) {
      if (!c.isAlive()) {
        throw new IllegalStateException(
            "instance " + c.pid() + " died:" + System.lineSeparator() + c.tail());
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
