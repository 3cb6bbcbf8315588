package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.app.AppConfig;
import io.vitstream.app.ConfigKeys;
import io.vitstream.app.InferenceService;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.feedback.ModelVersionPublisher;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vitstream status} against a broker that the inference service has worked on. */
class StatusCommandIT {
  private static final String GROUP = "status-it";

  @Test
  @Timeout(180)
  void shouldPrintTheServedVersionZeroLagPerPartitionAndDeadLettersByStage(@TempDir Path state)
      throws Exception {
    // Given the service on two partitions, a few model-version events, n images and one
    // unreadable record, all processed and committed
    int n = 12;
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start();
        ModelSlot<ServingModel> slot = new ModelSlot<>(TestImages.fixtureModel())) {
      String bootstrap = kafka.bootstrapServers();
      AppConfig config =
          AppConfig.load(
              Optional.empty(),
              Map.of(
                  ConfigKeys.BOOTSTRAP_SERVERS.name(),
                  bootstrap,
                  ConfigKeys.APPLICATION_ID.name(),
                  GROUP,
                  ConfigKeys.TOPIC_PARTITIONS.name(),
                  "2",
                  "state.dir",
                  state.toString()));
      var topics = config.inference().topics();
      try (InferenceService service = new InferenceService(config, slot, Optional.empty())) {
        service.start();
        service.awaitRunning(Duration.ofSeconds(60));
        try (var versions =
            new ModelVersionPublisher(config.clientConfig(), topics.modelVersions())) {
          versions.accept(event("fixture", 1, ModelStatus.PROMOTED));
          versions.accept(event("fixture", 2, ModelStatus.PROMOTED));
          versions.accept(event("fixture", 3, ModelStatus.REJECTED));
          versions.accept(event("fixture", 1, ModelStatus.ROLLED_BACK));
          versions.accept(event("other", 4, ModelStatus.PROMOTED));
        }
        List<ImageEvent> images =
            IntStream.range(0, n)
                .mapToObj(i -> TestImages.encoded("s" + i, TestImages.png(28, 28, i)))
                .toList();
        Clients.publish(bootstrap, topics.images(), images);
        Clients.publishRaw(
            bootstrap, topics.images(), "junk", "not avro".getBytes(StandardCharsets.UTF_8));
        Clients.awaitCommitted(bootstrap, GROUP, topics.images(), n + 1);

        // When status reads the topics
        CliRun run =
            CliRun.of(
                "status",
                "--bootstrap-servers",
                bootstrap,
                "--set",
                ConfigKeys.APPLICATION_ID.name() + "=" + GROUP);

        // Then it names the served versions, no lag on either partition, and the dead letter
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("model: fixture v1 (ROLLED_BACK ");
        assertThat(lines.get(1)).startsWith("model: other v4 (PROMOTED ");
        assertThat(lines)
            .contains(
                "lag: group " + GROUP + " on images, 0 in all",
                "dead letters: 1 on dead-letters",
                "  deserialize 1");
        assertThat(lines)
            .filteredOn(l -> l.startsWith("  images-"))
            .hasSize(2)
            .allMatch(l -> l.matches("  images-[01]: 0 \\(committed \\d+, end \\d+\\)"));
      }
    }
  }

  @Test
  @Timeout(60)
  void shouldGiveUpOnAnUnreachableBrokerInOneLine() throws Exception {
    // Given a port nothing listens on
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    // When status is pointed at it, waiting 2 s
    CliRun run =
        CliRun.of(
            "status",
            "--bootstrap-servers",
            "127.0.0.1:" + port,
            "--set",
            ConfigKeys.BROKER_WAIT_S.name() + "=2");

    // Then one line and a non-zero exit
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .startsWith("vitstream: cannot reach Kafka at 127.0.0.1:" + port + " after ");
  }

  private static ModelVersion event(String model, int version, ModelStatus status) {
    return ModelVersion.newBuilder()
        .setModelName(model)
        .setVersion(version)
        .setStatus(status)
        .setEventTime(Instant.now())
        .build();
  }
}
