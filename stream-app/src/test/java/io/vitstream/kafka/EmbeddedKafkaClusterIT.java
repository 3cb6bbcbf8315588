package io.vitstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.artifact.ArtifactCache;
import io.vitstream.artifact.ArtifactPublisher;
import io.vitstream.artifact.ArtifactSettings;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three brokers in one JVM: replication factor 3, min.insync.replicas 2, one broker stopped. */
class EmbeddedKafkaClusterIT {
  @Test
  @Timeout(240)
  void shouldReplicateTheArtifactTopicThreeWaysAndServeItWithOneBrokerStopped(
      @TempDir Path from, @TempDir Path to) throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.of(3).start()) {
      System.out.printf("3 brokers up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      Map<String, Object> client = Map.of("bootstrap.servers", cluster.bootstrapServers());

      // Given the app's topics, created with the brokers' defaults, and a version published
      try (Admin admin = Admin.create(client)) {
        TopicAdmin.createMissing(admin, TopicNames.defaults(), 2);
        TopicDescription artifacts =
            admin
                .describeTopics(List.of(TopicNames.MODEL_ARTIFACTS))
                .allTopicNames()
                .get()
                .get(TopicNames.MODEL_ARTIFACTS);
        assertThat(artifacts.partitions().get(0).replicas()).hasSize(3);
      }
      ModelStore source = ModelStore.open(from);
      int v = TinyModels.publish(source, "replicated", 1, 0);
      var settings = new ArtifactSettings(TopicNames.MODEL_ARTIFACTS, 4096, Duration.ofSeconds(10));
      try (var publisher = new ArtifactPublisher(client, settings)) {
        publisher.publish(source, "replicated", v);
        publisher.promote("replicated", v);
      }

      // When one broker of three stops
      cluster.stopBroker(3);

      // Then an instance with an empty store still fetches the version whole
      ModelStore empty = ModelStore.open(to);
      assertThat(new ArtifactCache(empty, client, settings).syncPromoted("replicated")).hasValue(v);
      assertThat(Files.readAllBytes(empty.files("replicated", v).weights()))
          .isEqualTo(Files.readAllBytes(source.files("replicated", v).weights()));

      // And acks=all writes still succeed with two in-sync replicas
      ModelStore next = ModelStore.open(from);
      int v2 = TinyModels.publish(next, "replicated", 2, v);
      try (var publisher = new ArtifactPublisher(client, settings)) {
        publisher.publish(next, "replicated", v2);
      }
      new ArtifactCache(empty, client, settings).fetch("replicated", v2);
      assertThat(empty.versions("replicated")).containsExactly(v, v2);
    }
  }
}
