package io.vitstream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vitstream.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * {@code vitstream demo} with its dashboard, watched in Debian's headless Chromium through
 * Selenium: the page fills with the run's real numbers. Skips where Chromium is not installed.
 */
class DashboardBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path FASHION_MNIST =
      Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
  private static final Pattern URL = Pattern.compile("dashboard: (http://localhost:\\d+/)");
  private static final Pattern METRICS_URL =
      Pattern.compile("metrics: (http://localhost:\\d+/metrics)");
  private static final Pattern ACCURACY =
      Pattern.compile("summary: predicted=300/300 accuracy=(\\S+)");
  private static final int IMAGES = 300;

  @Test
  @Timeout(240)
  void shouldShowTheDemosRealNumbersInABrowser() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no Chromium here: apt-get install chromium chromium-driver");
    assumeTrue(
        Files.exists(FASHION_MNIST), "no Fashion-MNIST: apt-get install dataset-fashion-mnist");

    // Given `vitstream demo` on 300 Fashion-MNIST images, serving the small shipped model and
    // keeping its dashboard up after the summary
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    String home = System.getProperty("vitstream.home");
    System.setProperty("vitstream.home", System.getProperty("vitstream.repo.dir", ".."));
    AtomicInteger code = new AtomicInteger(-1);
    Thread demo =
        new Thread(
            () ->
                code.set(
                    cli.execute(
                        "demo",
                        "--images",
                        Integer.toString(IMAGES),
                        "--window",
                        "100",
                        "--set",
                        "model.version=1",
                        "--keep-running")),
            "demo");
    demo.start();
    ChromeDriver browser = null;
    try {
      String url =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> match(URL, out), Optional::isPresent)
              .orElseThrow();

      // When a headless Chromium opens the printed URL while the images stream through
      browser = chromium();
      browser.get(url);
      ChromeDriver page = browser;
      await()
          .atMost(Duration.ofSeconds(150))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> text(page, "predictions").equals(Integer.toString(IMAGES)));
      await().atMost(Duration.ofSeconds(30)).until(() -> match(ACCURACY, out), Optional::isPresent);
      await() // the page polls once a second: the next one has the closed last second
          .atMost(Duration.ofSeconds(5))
          .until(() -> !text(page, "throughput").equals("–"));

      // Then the page shows the run: every prediction, all labelled, a confusion matrix that
      // sums to them with the summary's accuracy on its diagonal, and drawn charts
      String summary = match(ACCURACY, out).orElseThrow();
      assertThat(text(page, "labelled")).isEqualTo(Integer.toString(IMAGES));
      assertThat(Double.parseDouble(text(page, "throughput"))).isPositive();
      assertThat(Double.parseDouble(text(page, "p50"))).isPositive();
      assertThat(Double.parseDouble(text(page, "p99")))
          .isGreaterThanOrEqualTo(Double.parseDouble(text(page, "p50")));
      assertThat(Double.parseDouble(text(page, "accuracy"))).isBetween(0.0, 1.0);
      assertThat(text(page, "model-version")).isEqualTo("v1");
      assertThat(text(page, "dead-letter-count")).isEqualTo("0");
      // the page redraws the matrix every second: read both sums in one script, not cell by cell
      long sum = countSum(page, "#confusion td.cell");
      long diagonal = countSum(page, "#confusion td.diag");
      assertThat(sum).isEqualTo(IMAGES);
      assertThat(String.format(java.util.Locale.ROOT, "%.4f", (double) diagonal / sum))
          .isEqualTo(summary);
      // the charts are redrawn every second too: find the path and read it in one script
      assertThat(
              page.executeScript(
                  "return document.querySelector('#chart-throughput path').getAttribute('d');"))
          .asString()
          .startsWith("M");
      assertThat(page.findElements(By.cssSelector("#chart-latency path"))).hasSize(2);
      assertThat(page.findElements(By.cssSelector("#chart-accuracy circle"))).hasSize(3);
      assertThat(page.findElements(By.cssSelector("#chart-batches rect"))).isNotEmpty();
      assertThat(page.findElements(By.cssSelector("#thumbnails img"))).hasSize(12);
      Files.createDirectories(SCREENSHOT.getParent());
      Files.write(SCREENSHOT, page.getScreenshotAs(OutputType.BYTES));
      assertThat(out.toString()).contains("dashboard: still serving " + url);
      // and the same port serves the run's Prometheus metrics
      assertThat(match(METRICS_URL, out)).hasValue(url + "metrics");
      HttpResponse<String> metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "metrics")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .containsPattern(
              "(?m)^vitstream_predictions_out_total(\\{[^}]*\\})? " + IMAGES + "(\\.0)?$");
    } finally {
      if (browser != null) {
        browser.quit();
      }
      demo.interrupt(); // --keep-running ends like Ctrl-C
      demo.join(30_000);
      if (home == null) {
        System.clearProperty("vitstream.home");
      } else {
        System.setProperty("vitstream.home", home);
      }
    }
    assertThat(demo.isAlive()).isFalse();
    assertThat(code.get()).isZero();
  }

  private static ChromeDriver chromium() {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1200");
    return new ChromeDriver(service, options);
  }

  /** The sum of the data-count attributes of the elements {@code selector} matches, at once. */
  private static long countSum(ChromeDriver page, String selector) {
    Object sum =
        page.executeScript(
            "return Array.from(document.querySelectorAll(arguments[0]))"
                + ".reduce((s, c) => s + Number(c.getAttribute('data-count')), 0);",
            selector);
    return ((Number) sum).longValue();
  }

  private static String text(ChromeDriver page, String id) {
    return page.findElement(By.id(id)).getText().trim();
  }

  private static Optional<String> match(Pattern p, StringWriter out) {
    Matcher m = p.matcher(out.toString());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
