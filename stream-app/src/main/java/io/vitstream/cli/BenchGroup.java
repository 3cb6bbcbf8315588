package io.vitstream.cli;

import picocli.CommandLine.Command;

/** {@code vitstream bench ...}: benchmarks of the forward pass, the pipeline and training. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks: forward passes, the streaming pipeline, training steps.",
    subcommands = {
      BenchCommand.class,
      BenchPipelineCommand.class,
      BenchScaleCommand.class,
      BenchTrainCommand.class
    })
final class BenchGroup implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
