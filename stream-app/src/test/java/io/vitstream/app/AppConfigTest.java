package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
  @Test
  void shouldLayerDefaultsThenFileThenFlagsAndPassClientKeysThrough(@TempDir Path dir)
      throws Exception {
    // Given a file with app keys and security settings
    Path file = dir.resolve("app.properties");
    Files.writeString(
        file,
        "max.batch.size=8\n"
            + "max.batch.delay.ms=50\n"
            + "bootstrap.servers=file:9092\n"
            + "security.protocol=SASL_SSL\n"
            + "sasl.mechanism=PLAIN\n");

    // When flags override one of them
    AppConfig c = AppConfig.load(Optional.of(file), Map.of("bootstrap.servers", "flag:9092"));

    // Then the layers apply in order, and unknown keys reach the Kafka clients
    assertThat(c.bootstrapServers()).isEqualTo("flag:9092");
    assertThat(c.inference().batch().maxBatchSize()).isEqualTo(8);
    assertThat(c.inference().batch().maxDelay()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(c.clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .doesNotContainKey("max.batch.size");
    assertThat(c.clientConfig()).containsEntry("bootstrap.servers", "flag:9092");
    Properties streams = InferenceService.streamsProperties(c);
    assertThat(streams.get("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    assertThat(streams.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))
        .isEqualTo("dead-letters");
    assertThat(streams.get("producer.batch.size")).isEqualTo(262_144);
  }

  @Test
  void shouldSizeIntraOpThreadsFromTheStreamThreadsAndRefuseBadValues() {
    int cores = Runtime.getRuntime().availableProcessors();
    AppConfig c = AppConfig.load(Optional.empty(), Map.of("num.stream.threads", "2"));
    assertThat(c.intraOpThreads()).isEqualTo(Math.max(1, (cores - 1) / 2));

    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), Map.of("max.batch.size", "x")))
        .hasMessageContaining("max.batch.size must be an integer");
    assertThatThrownBy(
            () -> AppConfig.load(Optional.empty(), Map.of("processing.guarantee", "exactly_once")))
        .hasMessageContaining("processing.guarantee");
    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), Map.of("model.device", "tpu")))
        .hasMessageContaining("model.device");
  }
}
