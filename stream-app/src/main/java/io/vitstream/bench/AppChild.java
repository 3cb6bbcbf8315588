package io.vitstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code vitstream run --config FILE} in a JVM of its own, on this JVM's Java and classpath, with
 * {@code home} as its {@code vitstream.home} (its model store is {@code home/model-store}). Its
 * output is drained on daemon threads; the last lines are kept for error messages.
 */
public final class AppChild implements AutoCloseable {
  private static final int KEPT_LINES = 20;
  private final Process process;
  private final CountDownLatch serving = new CountDownLatch(1);
  private final Deque<String> lastLines = new ArrayDeque<>();

  private AppChild(Process process) {
    this.process = process;
    drain(process.getInputStream(), "app-stdout");
    drain(process.getErrorStream(), "app-stderr");
  }

  /** Starts {@code vitstream run --config config} with {@code home} as its home. */
  static AppChild start(Path config, Path home) throws IOException {
    return new AppChild(runProcess(config, home).start());
  }

  /**
   * {@code vitstream run --config config} in a JVM of its own, on this JVM's Java and classpath,
   * with {@code home} as its home, set up as the launcher does: offline, warnings only, and idle
   * libgomp threads sleeping rather than spinning (that matters when cores are shared).
   *
   * @param jvmFlags further JVM flags, e.g. log levels
   */
  public static ProcessBuilder runProcess(Path config, Path home, String... jvmFlags) {
    return cliProcess(home, List.of(jvmFlags), "run", "--config", config.toString());
  }

  /**
   * {@code vitstream args...} in a JVM of its own, set up as {@link #runProcess} sets it up.
   *
   * @param jvmFlags further JVM flags, e.g. log levels
   */
  public static ProcessBuilder cliProcess(Path home, List<String> jvmFlags, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            java,
            "-Xmx1g",
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.graph_optimizer=false",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    cmd.addAll(jvmFlags);
    cmd.addAll(
        List.of(
            "-Dvitstream.home=" + home,
            "-cp",
            System.getProperty("java.class.path"),
            "io.vitstream.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
    pb.environment().putIfAbsent("TORCH_CPP_LOG_LEVEL", "ERROR");
    return pb;
  }

  private void drain(InputStream in, String name) {
    Thread t =
        new Thread(
            () -> {
              try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  if (line.startsWith("run: serving")) {
                    serving.countDown();
                  }
                  synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > KEPT_LINES) {
                      lastLines.removeFirst();
                    }
                  }
                }
              } catch (IOException e) {
                // the process ended: nothing more to read
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }

  /** Waits until it prints {@code run: serving ...}; false on timeout or death. */
  boolean awaitServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (serving.await(200, TimeUnit.MILLISECONDS)) {
        return true;
      }
      if (!process.isAlive()) {
        return false;
      }
    }
    return false;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Its last lines of output, for an error message. */
  String tail() {
    synchronized (lastLines) {
      return String.join(System.lineSeparator(), lastLines);
    }
  }

  /** Sends SIGTERM without waiting, so that several instances stop at once. */
  void signalStop() {
    process.destroy();
  }

  /** SIGTERM (it leaves the group cleanly), then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
