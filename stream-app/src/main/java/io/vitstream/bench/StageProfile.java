package io.vitstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * How a thread's Java time splits over the pipeline's stages, from JDK Flight Recorder's execution
 * samples: every 10 ms threads running Java code are sampled, and each stack says its stage.
 */
final class StageProfile implements AutoCloseable {
  static final Duration PERIOD = Duration.ofMillis(10);

  private final Recording recording = new Recording();

  private StageProfile() {}

  /** Starts sampling. */
  static StageProfile start() {
    StageProfile p = new StageProfile();
    p.recording.enable("jdk.ExecutionSample").withPeriod(PERIOD);
    p.recording.start();
    return p;
  }

  /**
   * Stops sampling; the Java execution samples taken between {@code from} and {@code to}, by thread
   * group ({@link ThreadCpu#group}) and stage. Native code (the forward pass, RocksDB) is not
   * sampled reliably by JFR, so the caller takes those times from exact measurements.
   */
  Map<String, Map<String, Integer>> samples(Instant from, Instant to) {
    recording.stop();
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    try {
      Path file = Files.createTempFile("vitstream-bench-", ".jfr");
      try {
        recording.dump(file);
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
          if (!e.getEventType().getName().equals("jdk.ExecutionSample")
              || e.getStackTrace() == null
              || e.getStartTime().isBefore(from)
              || e.getStartTime().isAfter(to)) {
            continue;
          }
          RecordedThread thread = e.getThread("sampledThread");
          String group = ThreadCpu.group(thread == null ? "" : thread.getJavaName());
          out.computeIfAbsent(group, g -> new LinkedHashMap<>())
              .merge(stage(e.getStackTrace().getFrames()), 1, Integer::sum);
        }
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the flight recording", e);
    }
    return out;
  }

  /** The stage of a stack: commit anywhere in it, else the innermost frame that tells. */
  static String stage(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String m = f.getMethod().getName();
      String c = f.getMethod().getType().getName();
      if ((c.startsWith("org.apache.kafka") && m.contains("ommit"))
          || m.equals("sendOffsetsToTransaction")) {
        return "commit";
      }
    }
    for (RecordedFrame f : frames) {
      String c = f.getMethod().getType().getName();
      String m = f.getMethod().getName();
      if (c.startsWith("ai.djl") || c.equals("io.vitstream.inference.BatchClassifier")) {
        return "forward";
      }
      if (c.equals("io.vitstream.image.ImagePreprocessor")) {
        return "preprocess";
      }
      if (c.equals("io.vitstream.image.ImageDecoder") || c.contains("imageio")) {
        return "decode";
      }
      if (c.startsWith("org.rocksdb") || c.startsWith("org.apache.kafka.streams.state")) {
        return "buffer (store + changelog)";
      }
      if (c.equals("io.vitstream.serde.SingleObjectAvroSerde")) {
        return m.startsWith("decode") || m.equals("deserializer") ? "deserialize" : "serialize";
      }
      if (c.startsWith("org.apache.kafka.clients.producer")) {
        return "produce";
      }
      if (c.startsWith("org.apache.kafka.clients.consumer")) {
        return "poll";
      }
      if (c.startsWith("kafka.")
          || c.startsWith("org.apache.kafka.server")
          || c.startsWith("org.apache.kafka.raft")
          || c.startsWith("org.apache.kafka.controller")
          || c.startsWith("org.apache.kafka.storage")
          || c.startsWith("org.apache.kafka.coordinator")
          || c.startsWith("org.apache.kafka.network")
          || c.startsWith("org.apache.kafka.metadata")) {
        return "broker (in this JVM)";
      }
    }
    return "other";
  }

  @Override
  public void close() {
    recording.close();
  }
}
