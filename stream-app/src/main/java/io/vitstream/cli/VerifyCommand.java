package io.vitstream.cli;

import ai.djl.Device;
import io.vitstream.checkpoint.Checkpoints;
import io.vitstream.checkpoint.LoadedCheckpoint;
import io.vitstream.checkpoint.ReferenceCheck;
import io.vitstream.checkpoint.ReferenceCheck.Comparison;
import io.vitstream.vit.Precision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vitstream model verify --checkpoint DIR --expected FILE}: loads an HF or timm checkpoint
 * and compares its activations with reference tensors; exits 0 only when all are within atol.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Compare a checkpoint's activations with reference tensors.")
final class VerifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--checkpoint", required = true, description = "folder: config.json + weights")
  Path checkpoint;

  @Option(names = "--expected", required = true, description = "safetensors of reference tensors")
  Path expected;

  @Option(names = "--atol", defaultValue = "1e-4", description = "absolute tolerance (1e-4)")
  double atol;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (LoadedCheckpoint loaded = Checkpoints.load(checkpoint, Device.cpu(), Precision.FP32)) {
      out.printf(
          Locale.ROOT,
          "%s checkpoint: %s, %,d parameters%n",
          loaded.format(),
          loaded.model().config().summary(),
          loaded.model().parameterCount());
      List<Comparison> results = ReferenceCheck.run(loaded.model(), expected);
      boolean ok = !results.isEmpty();
      for (Comparison c : results) {
        String verdict = !c.produced() ? "skipped (not produced)" : c.within(atol) ? "ok" : "FAIL";
        out.printf(
            Locale.ROOT,
            "%-18s %-16s max|diff| %s  %s%n",
            c.name(),
            c.shape(),
            c.produced() ? String.format(Locale.ROOT, "%.3e", c.maxAbsDiff()) : "-",
            verdict);
        ok &= !c.produced() || c.within(atol);
      }
      long compared = results.stream().filter(Comparison::produced).count();
      ok &= compared > 0;
      out.printf(
          Locale.ROOT, "%s: %d compared within atol %.1e%n", ok ? "PASS" : "FAIL", compared, atol);
      return ok ? 0 : 1;
    }
  }
}
