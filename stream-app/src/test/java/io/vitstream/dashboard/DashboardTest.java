package io.vitstream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.metrics.HttpEndpoint;
import io.vitstream.metrics.Metrics;
import io.vitstream.metrics.MetricsHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class DashboardTest {
  private static HttpResponse<String> get(URI uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeThePageItsFilesAndTheStateFromTheJar() throws Exception {
    // Given the dashboard next to /metrics on one endpoint, on a free port
    try (Metrics metrics = Metrics.prometheus();
        HttpEndpoint http = HttpEndpoint.start(0)) {
      http.handle(MetricsHandler.PATH, new MetricsHandler(metrics));
      Dashboard.register(http, new DashboardState(10));
      URI base = URI.create(http.url("/"));

      // When the page, its script and style, the state, the metrics and an unknown path are fetched
      var page = get(base);
      var script = get(base.resolve("dashboard.js"));
      var style = get(base.resolve("dashboard.css"));
      var state = get(base.resolve("api/state"));
      var missing = get(base.resolve("nope.js"));
      var scrape = get(base.resolve("metrics"));

      // Then everything comes from the class path, with no third-party host
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("id=\"chart-throughput\"", "src=\"dashboard.js\"");
      assertThat(page.body()).doesNotContain("http://", "https://");
      assertThat(script.body()).contains("api/state");
      assertThat(script.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
      assertThat(style.statusCode()).isEqualTo(200);
      assertThat(state.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(state.body()).contains("\"predictions\":0");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("vitstream_predictions_out_total");
    }
  }
}
