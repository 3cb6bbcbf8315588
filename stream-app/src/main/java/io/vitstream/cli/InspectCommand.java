package io.vitstream.cli;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import io.vitstream.vit.VitModel;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitstream model inspect --variant NAME}: the layer table and the parameter count. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Build a named variant and print its parameters, layer by layer.")
final class InspectCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--variant",
      required = true,
      description = "timm name, e.g. vit_base_patch16_224 or the hybrid vit_base_r50_s16_384")
  String variant;

  @Option(names = "--num-classes", defaultValue = "1000", description = "classes (default 1000)")
  int numClasses;

  @Override
  public Integer call() {
    ViTConfig config = ViTVariants.config(variant, numClasses);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "%s: image %d, patch %d, width %d, depth %d, heads %d, mlp %d, classes %d%n",
        variant,
        config.imageSize(),
        config.patchSize(),
        config.width(),
        config.depth(),
        config.heads(),
        config.mlpSize(),
        config.numClasses());
    if (config.isHybrid()) {
      out.printf(
          Locale.ROOT,
          "hybrid: %s, stride %d, %dx%d tokens of %d channels%n",
          config.hybrid().summary(),
          config.tokenStride(),
          config.gridSize(),
          config.gridSize(),
          config.hybrid().featureChannels());
    }
    try (VitModel model = VitModel.create(config, Device.cpu(), Precision.FP32)) {
      int nameWidth =
          Math.max(
              40, model.parameters().keySet().stream().mapToInt(String::length).max().orElse(0));
      String row = "%-" + nameWidth + "s %-22s %";
      out.printf(Locale.ROOT, row + "14s%n", "parameter", "shape", "count");
      for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
        out.printf(
            Locale.ROOT,
            row + ",14d%n",
            e.getKey(),
            e.getValue().getShape(),
            e.getValue().getShape().size());
      }
      out.printf(Locale.ROOT, "parameters: %,d%n", model.parameterCount());
    }
    return 0;
  }
}
