package io.vitstream.reliability;

import io.vitstream.bench.AppChild;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.kafka.TopicNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code vitstream run} in a JVM of its own, on the test's classpath, as a user starts it. {@link
 * #kill()} is a SIGKILL: no shutdown hook runs, the open transaction stays open.
 */
final class AppProcess implements AutoCloseable {
  private final Process process;
  private final CountDownLatch serving = new CountDownLatch(1);
  private final List<String> errors = new ArrayList<>();
  private final List<String> lines = new ArrayList<>();
  private final List<Long> readAt = new ArrayList<>(); // System.nanoTime() of each line
  private volatile String servingLine = "";

  private AppProcess(Process process) {
    this.process = process;
    Thread out = new Thread(() -> read(process.getInputStream(), false), "app-stdout");
    Thread err = new Thread(() -> read(process.getErrorStream(), true), "app-stderr");
    out.setDaemon(true);
    err.setDaemon(true);
    out.start();
    err.start();
  }

  /**
   * Creates the default topics on {@code kafka} and writes the config file an app of this
   * application id reads them with (state under {@code dir}, topics not created by the app).
   *
   * @param moreLines further {@code key=value} lines
   */
  static Path configure(EmbeddedKafka kafka, Path dir, String applicationId, String... moreLines)
      throws IOException {
    return configure(kafka.bootstrapServers(), 1, dir, applicationId, moreLines);
  }

  /**
   * As {@link #configure(EmbeddedKafka, Path, String, String...)} against any cluster: the images
   * and predictions topics get {@code partitions} partitions (the feedback loop's topics one), at
   * the cluster's default replication.
   */
  static Path configure(
      String bootstrapServers, int partitions, Path dir, String applicationId, String... moreLines)
      throws IOException {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      TopicAdmin.createMissing(admin, TopicNames.defaults(), partitions);
    }
    List<String> lines = new ArrayList<>();
    lines.add("bootstrap.servers=" + bootstrapServers);
    lines.add("application.id=" + applicationId);
    lines.add("state.dir=" + dir.resolve("state"));
    lines.add("topic.create=false");
    lines.addAll(List.of(moreLines));
    Path config = dir.resolve("app.properties");
    Files.writeString(config, String.join("\n", lines) + "\n");
    return config;
  }

  /** Starts {@code vitstream run --config FILE}, serving the store's promoted model. */
  static AppProcess run(Path config) throws IOException {
    return run(config, Path.of(System.getProperty("vitstream.repo.dir", "..")));
  }

  /**
   * Starts {@code vitstream run --config FILE} in {@code home}: it serves the promoted model of
   * {@code home/model-store}, which may be empty (the promoted version then comes from Kafka).
   */
  static AppProcess run(Path config, Path home) throws IOException {
    // with the trainer's lines: which instance runs a fine-tune, and how it ended
    return new AppProcess(
        AppChild.runProcess(config, home, "-Dorg.slf4j.simpleLogger.log.io.vitstream.feedback=info")
            .start());
  }

  private void read(java.io.InputStream in, boolean isErr) {
    try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        synchronized (lines) {
          lines.add(line);
          readAt.add(System.nanoTime());
        }
        if (line.startsWith("run: serving")) {
          servingLine = line;
          serving.countDown();
        }
        if (isErr && line.startsWith("vitstream:")) {
          synchronized (errors) {
            errors.add(line);
          }
        }
      }
    } catch (IOException e) {
      // the process died: nothing more to read
    }
  }

  /** Waits until the app says it serves; false on timeout or death. */
  boolean awaitServing(Duration timeout) throws InterruptedException {
    return serving.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The app's {@code run: serving NAME vN from ...} line; empty before it serves. */
  String servingLine() {
    return servingLine;
  }

  /** The {@code vitstream:} lines the app printed on stderr. */
  List<String> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  /** Every line the app printed so far, stdout and stderr interleaved as read. */
  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** When each line containing {@code text} was read, in {@link System#nanoTime()}, in order. */
  List<Long> readAt(String text) {
    synchronized (lines) {
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(text)) {
          out.add(readAt.get(i));
        }
      }
      return out;
    }
  }

  /** The app's operating-system process id, e.g. for {@code /proc/<pid>/status}. */
  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and waits for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
