package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.demo.Demo;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A normal start logs one INFO line per lifecycle step and no WARN or ERROR. slf4j-simple writes to
 * whatever {@code System.err} is when a line is logged, so the test tees it.
 */
class StartupLogIT {
  @Test
  @Timeout(180)
  void shouldLogTheLifecycleAndNoWarningOnANormalStart() throws Exception {
    // Given stderr captured, and a state directory outside the OS temp folder
    Path state = Files.createTempDirectory(Path.of("target"), "startup-log-it-");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start();
        ModelSlot<ServingModel> slot = new ModelSlot<>(TestImages.fixtureModel())) {
      AppConfig config =
          AppConfig.load(
              Optional.empty(),
              Map.of(
                  ConfigKeys.BOOTSTRAP_SERVERS.name(),
                  kafka.bootstrapServers(),
                  ConfigKeys.APPLICATION_ID.name(),
                  "startup-log-it",
                  "state.dir",
                  state.toAbsolutePath().toString()));

      // When the service starts and runs
      try (InferenceService service = new InferenceService(config, slot, Optional.empty())) {
        service.start();
        service.awaitRunning(Duration.ofSeconds(60));
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> captured.toString(StandardCharsets.UTF_8).contains("streams RUNNING"));
      }
    } finally {
      System.setErr(original);
      Demo.deleteQuietly(state);
    }

    // Then each step has its line, and nothing warned
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("INFO io.vitstream.app.InferenceService - topics ready")
        .contains("INFO io.vitstream.app.InferenceService - model fixture v1 loaded and warmed up")
        .contains("INFO io.vitstream.app.InferenceService - streams RUNNING");
    assertThat(log.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")))
        .as("WARN and ERROR lines of a normal start")
        .isEmpty();
  }

  /** Writes to both streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }
}
