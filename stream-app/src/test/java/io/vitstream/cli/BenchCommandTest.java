package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.vitstream.chart.Charts;
import io.vitstream.testing.Pngs;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vitstream bench forward} device and precision choices, and {@code bench train}. */
class BenchCommandTest {
  private static final String[] SMALL = {
    "--image", "8", "--patch", "4", "--width", "16", "--depth", "1", "--heads", "2"
  };

  private static CliRun forward(String... options) {
    String[] args = new String[3 + SMALL.length + options.length];
    args[0] = "bench";
    args[1] = "forward";
    args[2] = "--batch=1";
    System.arraycopy(SMALL, 0, args, 3, SMALL.length);
    System.arraycopy(options, 0, args, 3 + SMALL.length, options.length);
    return CliRun.of(args);
  }

  @Test
  void shouldRefuseAGpuWhereThereIsNoneInsteadOfRunningOnTheCpu() {
    // Given a machine whose engine sees no GPU, When a GPU bench is asked for
    CliRun run = forward("--device", "gpu", "--precision", "fp16", "--threads", "1");

    // Then it stops with one line and runs nothing
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().lines()).hasSize(1).first().asString().contains("no GPU found");
    assertThat(run.out()).doesNotContain("img/s");
  }

  @Test
  void shouldRefuseHalfPrecisionOnTheCpuInOneLine() {
    CliRun run = forward("--device", "cpu", "--precision", "fp16");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1).first().asString().contains("fp16 needs a GPU");
  }

  @Test
  void shouldRefuseAnUnknownDeviceInOneLine() {
    CliRun run = forward("--device", "tpu");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1).first().asString().contains("cpu or gpu");
  }

  @Test
  void shouldBenchTheCpuInFp32WhenAskedExplicitly() {
    CliRun run =
        forward(
            "--device",
            "cpu",
            "--precision",
            "fp32",
            "--threads",
            "1",
            "--seconds",
            "0.1",
            "--rounds",
            "1",
            "--warmup",
            "1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("fp32 on cpu").containsPattern("(?m)^\\s+1\\s+1\\s+\\d+");
  }

  @Test
  void shouldWriteTheFiguresAndAThroughputChartBesideTheJson(@TempDir Path dir) throws IOException {
    // When a run over two batch sizes and one thread count asks for JSON
    Path json = dir.resolve("forward.json");
    String[] args = new String[10 + SMALL.length];
    System.arraycopy(
        new String[] {"bench", "forward", "--batch=1,4", "--threads=1", "--seconds=0.1"},
        0,
        args,
        0,
        5);
    System.arraycopy(SMALL, 0, args, 5, SMALL.length);
    System.arraycopy(
        new String[] {"--rounds=1", "--warmup=1", "--device=cpu", "--json", json.toString()},
        0,
        args,
        5 + SMALL.length,
        5);
    CliRun run = CliRun.of(args);

    // Then the JSON holds both cells and the PNG of the same name decodes at its size
    assertThat(run.exitCode()).as(run.err()).isZero();
    Path png = dir.resolve("forward.png");
    assertThat(run.out()).contains("wrote " + json + " and " + png);
    JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertThat(report.getAsJsonArray("cells")).hasSize(2);
    assertThat(report.getAsJsonArray("cells").get(1).getAsJsonObject().get("batch").getAsInt())
        .isEqualTo(4);
    assertThat(
            report
                .getAsJsonArray("cells")
                .get(0)
                .getAsJsonObject()
                .get("images_per_second")
                .getAsDouble())
        .isPositive();
    BufferedImage img = Pngs.read(png, 800, 480);
    assertThat(Pngs.colours(img, 0, 800))
        .hasSizeGreaterThan(20)
        .contains(Pngs.rgb(Charts.SERIES_COLORS.get(0)));
  }

  @Test
  void shouldTimeTrainingStepsAgainstTheMatrixProductsInOneRun(@TempDir Path dir)
      throws IOException {
    // Given a small geometry and a JSON target
    Path json = dir.resolve("train.json");

    // When two steps are timed after one warm-up step
    CliRun run =
        CliRun.of(
            "bench",
            "train",
            "--patch",
            "7",
            "--width",
            "16",
            "--depth",
            "1",
            "--heads",
            "2",
            "--mlp",
            "32",
            "--batch",
            "8",
            "--warmup",
            "1",
            "--steps",
            "2",
            "--matmul-seconds",
            "0.02",
            "--json",
            json.toString());

    // Then the table has every product, the step's rates, and the JSON the same numbers
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("(?m)^qkv\\s+136\\s+16\\s+48\\s+[\\d.]+\\s+[\\d.]+$")
        .containsPattern("(?m)^fc2\\s+136\\s+32\\s+16\\s")
        .contains("block products' mix:")
        .containsPattern("(?m)^\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+\\d+%\\s+\\d+%$");
    JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertThat(report.get("batch").getAsInt()).isEqualTo(8);
    assertThat(report.get("timed_steps").getAsInt()).isEqualTo(2);
    assertThat(report.getAsJsonArray("block_products")).hasSize(4);
    double ratio = report.get("ratio_to_block_products").getAsDouble();
    double expected =
        report.get("train_gflops").getAsDouble()
            / report.get("block_products_gflops").getAsDouble();
    assertThat(ratio)
        .isPositive()
        .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(report.get("images_per_second").getAsDouble()).isPositive();
  }
}
