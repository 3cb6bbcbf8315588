package io.vitstream.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One sample of an app's Prometheus page, at the URL its {@code run: metrics at} line gives. */
final class AppMetrics {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String LINE = "run: metrics at ";

  private AppMetrics() {}

  /**
   * The sample {@code name{...labels...} value} whose labels contain {@code label}; empty while the
   * app has not printed its metrics URL or does not answer.
   */
  static OptionalDouble value(AppProcess app, String name, String label) {
    var url = app.lines().stream().filter(l -> l.startsWith(LINE)).findFirst();
    if (url.isEmpty()) {
      return OptionalDouble.empty();
    }
    String body;
    try {
      body =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(url.get().substring(LINE.length()).trim()))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    } catch (IOException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(body);
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      if (labels.contains(label)) {
        return OptionalDouble.of(Double.parseDouble(m.group(2)));
      }
    }
    return OptionalDouble.empty();
  }
}
