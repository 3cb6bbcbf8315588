package io.vitstream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class DashboardServerTest {
  private static HttpResponse<String> get(URI uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeThePageItsFilesAndTheStateFromTheJar() throws Exception {
    // Given a dashboard on a free port
    try (var server = DashboardServer.start(0, new DashboardState(10))) {
      URI base = server.url();

      // When the page, its script and style, the state and an unknown path are fetched
      var page = get(base);
      var script = get(base.resolve("dashboard.js"));
      var style = get(base.resolve("dashboard.css"));
      var state = get(base.resolve("api/state"));
      var missing = get(base.resolve("nope.js"));

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
    }
  }
}
