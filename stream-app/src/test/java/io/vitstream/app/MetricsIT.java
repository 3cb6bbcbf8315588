package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitstream.avro.ImageEvent;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.metrics.HttpEndpoint;
import io.vitstream.metrics.Metrics;
import io.vitstream.metrics.MetricsHandler;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The inference service's meters, scraped over HTTP as Prometheus does. */
class MetricsIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  @Timeout(180)
  void shouldCountImagesBatchesAndDeadLettersOnMetrics(@TempDir Path state) throws Exception {
    // Given the service on a broker, its meters served on a free port
    int n = 20;
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start();
        Metrics metrics = Metrics.prometheus();
        HttpEndpoint http = HttpEndpoint.start(0);
        ModelSlot<ServingModel> slot = new ModelSlot<>(TestImages.fixtureModel())) {
      http.handle(MetricsHandler.PATH, new MetricsHandler(metrics));
      AppConfig config =
          AppConfig.load(
              Optional.empty(),
              Map.of(
                  ConfigKeys.BOOTSTRAP_SERVERS.name(),
                  kafka.bootstrapServers(),
                  ConfigKeys.APPLICATION_ID.name(),
                  "metrics-it",
                  ConfigKeys.MAX_BATCH_SIZE.name(),
                  "8",
                  "state.dir",
                  state.toString()));
      String url = http.url(MetricsHandler.PATH);
      try (InferenceService service =
          new InferenceService(config, slot, Optional.empty(), Optional.empty(), metrics)) {
        service.start();
        service.awaitRunning(Duration.ofSeconds(60));

        // When n images and one unreadable record arrive
        List<ImageEvent> images =
            IntStream.range(0, n)
                .mapToObj(i -> TestImages.encoded("m" + i, TestImages.png(28, 28, i)))
                .toList();
        String topic = config.inference().topics().images();
        Clients.publish(kafka.bootstrapServers(), topic, images);
        Clients.publishRaw(
            kafka.bootstrapServers(), topic, "junk", "not avro".getBytes(StandardCharsets.UTF_8));

        // Then the counters moved by exactly that much
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> value(scrape(url), "vitstream_predictions_out_total", "") >= n);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    value(scrape(url), "vitstream_dead_letters_total", "reason=\"deserialize\"")
                        >= 1);
        String body = scrape(url);
        assertThat(value(body, "vitstream_images_in_total", "")).isEqualTo(n);
        assertThat(value(body, "vitstream_predictions_out_total", "")).isEqualTo(n);
        assertThat(value(body, "vitstream_dead_letters_total", "reason=\"deserialize\""))
            .isEqualTo(1);
        assertThat(value(body, "vitstream_batch_size_count", "")).isPositive();
        assertThat(value(body, "vitstream_batch_size_sum", "")).isEqualTo(n);
        assertThat(value(body, "vitstream_end_to_end_latency_seconds_count", "")).isEqualTo(n);
        assertThat(value(body, "vitstream_forward_seconds_count", ""))
            .isEqualTo(value(body, "vitstream_batch_size_count", ""));
        assertThat(value(body, "vitstream_model_version", "model=\"fixture\""))
            .isEqualTo(slot.peek().version());
        assertThat(value(body, "vitstream_buffered_images", "")).isZero();
        assertThat(value(body, "vitstream_native_memory_bytes", "")).isGreaterThan(1e6);
        assertThat(body).contains("\nkafka_stream_").contains("\njvm_memory_used_bytes");
      }
    }
  }

  private static String scrape(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The sample {@code name{...labels...} value} whose labels contain {@code label}; 0 if none. */
  private static double value(String body, String name, String label) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(body);
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      if (labels.contains(label)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }
}
