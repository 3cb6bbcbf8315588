package io.vitstream.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ImagePublisherTest {
  private static final Map<String, Object> CLIENT =
      Map.of("bootstrap.servers", "localhost:9092", "acks", "1", "request.timeout.ms", "30000");

  @Test
  void shouldBoundDeliveryAndMetadataWaitsByTheDeliveryTimeout() {
    // Given / When a 3 s delivery timeout, with a client config asking for acks=1
    Map<String, Object> cfg = ImagePublisher.producerConfig(CLIENT, Duration.ofSeconds(3));

    // Then the producer is idempotent with acks=all, and every wait fits in the 3 s
    assertThat(cfg)
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000)
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000L)
        .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2995);
  }

  @Test
  void shouldKeepTheRequestTimeoutWhenItFits() {
    // Given / When the default 120 s delivery timeout
    Map<String, Object> cfg =
        ImagePublisher.producerConfig(CLIENT, ImagePublisher.DEFAULT_DELIVERY_TIMEOUT);

    // Then the configured request timeout stays
    assertThat(cfg).containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
  }

  @Test
  void shouldRefuseADeliveryTimeoutBelowOneSecond() {
    assertThatThrownBy(() -> new ImagePublisher(CLIENT, "images", 0, Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delivery timeout");
  }

  @Test
  void shouldNameEveryCauseInTheOneLineErrorOfAnIncompleteRun() {
    // Given a run where 2 of 5 failed for two causes
    var result =
        new PublishResult(
            5,
            3,
            List.of(
                new PublishResult.Failure("RecordTooLargeException", 1, "too large: big.png"),
                new PublishResult.Failure("TimeoutException", 1, "Expiring 1 record(s)")));

    // When / Then
    assertThat(result.complete()).isFalse();
    assertThatThrownBy(() -> result.requireComplete("images"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "only 3/5 images acknowledged by images: 1 RecordTooLargeException (too large:"
                + " big.png), 1 TimeoutException (Expiring 1 record(s))");
  }

  @Test
  void shouldRefuseCountsThatDoNotAddUp() {
    assertThatThrownBy(() -> new PublishResult(3, 2, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
