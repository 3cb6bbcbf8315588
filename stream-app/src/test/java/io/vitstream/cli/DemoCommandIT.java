package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one-command demo, end to end, on a folder of PNGs in class sub-folders. */
class DemoCommandIT {
  @Test
  void shouldPredictEveryImageAndEndWithTheSummaryLine(@TempDir Path dir) throws Exception {
    // Given 48 PNGs under label folders 0..3
    for (int i = 0; i < 48; i++) {
      Path label = Files.createDirectories(dir.resolve(Integer.toString(i % 4)));
      Files.write(label.resolve("img" + i + ".png"), TestImages.png(28, 28, i));
    }
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));

    // When the demo runs on them with the fixture model
    int code =
        cli.execute(
            "demo",
            "--images",
            "48",
            "--images-dir",
            dir.toString(),
            "--checkpoint",
            TestImages.fixtureDir().toString(),
            "--max-batch-size",
            "16");

    // Then every image got a prediction, and the summary says so
    String text = out.toString();
    assertThat(code).as(text).isZero();
    assertThat(text)
        .containsPattern(
            "summary: predicted=48/48 accuracy=[0-9.]+ throughput=[0-9.]+ p50_ms=[0-9.]+"
                + " p99_ms=[0-9.]+ mean_batch=[0-9.]+ dead_letters=0");
  }
}
