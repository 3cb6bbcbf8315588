package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.runtime.Djl;
import io.vitstream.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The {@code vitstream model} commands, run in-process through {@link Main#commandLine()}. */
class CliTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void shouldPrintTheParameterCountOfAVariant() {
    // Given / When
    Run run = run("model", "inspect", "--variant", "vit_base_patch16_224");

    // Then
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("blocks.11.mlp.fc2.weight")
        .containsPattern("(?m)^parameters: 86,567,656$");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void shouldPrintTheParameterCountOfTheHybrid() {
    // Given / When R50+ViT-B/16 at 384 px with 1000 classes is inspected
    Run run = run("model", "inspect", "--variant", "vit_base_r50_s16_384");

    // Then it lists the backbone under timm's names and timm's count (99.0 M)
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("hybrid: ResNet stem 64, stages 3-4-9 x 256-512-1024, stride 16, 24x24 tokens")
        .contains("patch_embed.backbone.stages.2.blocks.8.norm3.bias")
        .containsPattern("(?m)^parameters: 98,950,952$");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hf_vit_cls", "timm_fmnist"})
  void shouldPassVerificationOfAFixture(String fixture) {
    // Given a fixture and its reference activations
    Path dir = Fixtures.referenceVit(fixture);

    // When it is verified
    Run run =
        run(
            "model",
            "verify",
            "--checkpoint",
            dir.toString(),
            "--expected",
            Fixtures.expected(fixture).toString());

    // Then every comparison passes
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("PASS: 5 compared within atol 1.0e-04").doesNotContain("FAIL");
  }

  @Test
  void shouldFailVerificationBeyondTheTolerance() {
    // Given / When the fixture is verified at an absolute tolerance of 1e-12
    Run run =
        run(
            "model",
            "verify",
            "--checkpoint",
            Fixtures.referenceVit("hf_vit_cls").toString(),
            "--expected",
            Fixtures.expected("hf_vit_cls").toString(),
            "--atol",
            "1e-12");

    // Then it exits 1 and says which tensors failed
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).containsPattern("logits .* FAIL").contains("FAIL: 5 compared");
  }

  @Test
  void shouldReportAnUnknownVariantInOneLine() {
    // Given / When
    Run run = run("model", "inspect", "--variant", "vit_gigantic_patch16_224");

    // Then
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().lines())
        .containsExactly(
            "vitstream: unknown variant 'vit_gigantic_patch16_224': expected"
                + " vit_{tiny|small|base|large|huge}_patch{14|16|32}_<resolution>, e.g."
                + " vit_base_patch16_224, or a hybrid"
                + " vit_{tiny|small|base|large}_{r50_s16|r50_s32|r26_s32|r20_s16|r_s16_p8}_<resolution>,"
                + " e.g. vit_base_r50_s16_384");
  }

  @Test
  void shouldRefuseToKeepRunningADemoWithoutItsDashboard() {
    // Given / When
    Run run = run("demo", "--no-dashboard", "--keep-running");

    // Then nothing starts, and the error says why
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.out()).doesNotContain("dashboard: http");
    assertThat(run.err()).contains("--keep-running keeps the dashboard up: drop --no-dashboard");
  }

  @Test
  void shouldReportAMissingCheckpointFolderInOneLineWithoutAStackTrace(@TempDir Path tmp) {
    // Given a folder that does not exist
    Path missing = tmp.resolve("no-such-checkpoint");

    // When it is verified
    Run run =
        run(
            "model",
            "verify",
            "--checkpoint",
            missing.toString(),
            "--expected",
            Fixtures.expected("hf_vit_cls").toString());

    // Then one line names it, and no stack trace is printed
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("vitstream: ").contains(missing.toString());
    assertThat(run.err() + run.out()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void shouldBenchEveryCellAndRestoreTheThreadCount() {
    // Given the engine's thread count
    int threadsBefore = Djl.intraOpThreads();

    // When a small geometry is benchmarked at batch 1 and 4, threads 1 and 2
    Run run =
        run(
            "model",
            "bench",
            "--image",
            "8",
            "--patch",
            "4",
            "--width",
            "16",
            "--depth",
            "1",
            "--heads",
            "2",
            "--batch",
            "1,4",
            "--threads",
            "1,2",
            "--seconds",
            "0.2",
            "--rounds",
            "2",
            "--warmup",
            "1");

    // Then it prints one row per (threads, batch), the 2/1-thread ratios, and restores threads
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("(?m)^\\s+1\\s+1\\s+\\d+\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+$")
        .containsPattern("(?m)^\\s+1\\s+4\\s+\\d+")
        .containsPattern("(?m)^\\s+2\\s+1\\s+\\d+")
        .containsPattern("(?m)^\\s+2\\s+4\\s+\\d+")
        .containsPattern("img/s ratio 2-thread/1-thread, batch 1: [\\d.]+")
        .containsPattern("img/s ratio 2-thread/1-thread, batch 4: [\\d.]+")
        .contains("load average before:");
    assertThat(Djl.intraOpThreads()).isEqualTo(threadsBefore);
  }

  @Test
  void shouldRefuseABenchWithoutAModelInOneLine() {
    // Given / When neither --variant, --tiny nor a geometry is given
    Run run = run("model", "bench", "--batch", "1");

    // Then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1).first().asString().contains("--tiny");
  }
}
