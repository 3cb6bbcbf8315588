package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.app.AppConfig;
import io.vitstream.artifact.ArtifactCache;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TinyModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackCommandIT {
  @Test
  void shouldRollBackByHandAndAnnounceIt(@TempDir Path root) {
    // Given versions 1 then 2 promoted
    ModelStore store = ModelStore.open(root);
    TinyModels.publish(store, "fm", 1, 0);
    TinyModels.publish(store, "fm", 2, 1);
    store.promote("fm", 1);
    store.promote("fm", 2);
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
      // When `vitstream model rollback fm --announce` runs
      CliRun run =
          CliRun.of(
              "model",
              "rollback",
              "fm",
              "--store",
              root.toString(),
              "--announce",
              "--bootstrap-servers",
              kafka.bootstrapServers());

      // Then version 1 is promoted again, and model-versions says so
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(store.promoted("fm")).hasValue(1);
      var events =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              "model-versions",
              new SingleObjectAvroSerde<>(ModelVersion.class).deserializer(),
              1,
              Duration.ofMillis(500),
              Duration.ofSeconds(30));
      assertThat(events)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.value().getStatus()).isEqualTo(ModelStatus.ROLLED_BACK);
                assertThat(e.value().getVersion()).isEqualTo(1);
              });
      // and model-artifacts has version 1 as the promoted one, for instances on other machines
      var settings = AppConfig.defaults().artifacts();
      var elsewhere = ModelStore.open(root.resolve("elsewhere"));
      var cache =
          new ArtifactCache(
              elsewhere, Map.of("bootstrap.servers", kafka.bootstrapServers()), settings);
      assertThat(cache.syncPromoted("fm")).hasValue(1);
      assertThat(elsewhere.versions("fm")).containsExactly(1);
    }
  }
}
