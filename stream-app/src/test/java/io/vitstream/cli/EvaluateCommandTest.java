package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EvaluateCommandTest {

  @Test
  void shouldReportTheShippedModelsAccuracyOnATestSubset() {
    CliRun run =
        CliRun.of(
            "evaluate",
            "--model",
            "fashion-mnist",
            "--dataset",
            "fashion-mnist",
            "--split",
            "test",
            "--limit",
            "500",
            "--store",
            CliRun.shippedStore().toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    Matcher accuracy = Pattern.compile("(?m)^accuracy: (0\\.\\d{4})$").matcher(run.out());
    assertThat(accuracy.find()).as(run.out()).isTrue();
    assertThat(Double.parseDouble(accuracy.group(1))).isGreaterThan(0.8);
    assertThat(run.out())
        .contains("images: 500")
        .contains("per-class accuracy:")
        .contains("Ankle boot")
        .contains("confusion matrix")
        .containsPattern("throughput: \\d+ img/s");
  }

  @Test
  void shouldRefuseAPathAsModelNameInOneLine() {
    CliRun run =
        CliRun.of(
            "evaluate",
            "--model",
            "../etc",
            "--dataset",
            "fashion-mnist",
            "--store",
            CliRun.shippedStore().toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().strip()).startsWith("vitstream: invalid model name '../etc'");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @Test
  void shouldSayHowToInstallTheDatasetInOneLine() {
    CliRun run =
        CliRun.of(
            "train",
            "--dataset",
            "fashion-mnist",
            "--data-dir",
            "/nonexistent/fashion-mnist",
            "--store",
            "/nonexistent/store");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("apt-get install dataset-fashion-mnist");
  }
}
