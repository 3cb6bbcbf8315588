package io.vitstream.cli;

import picocli.CommandLine.Command;

/** {@code vitstream model ...}: inspect, verify and benchmark models. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Inspect, verify and benchmark ViT models.",
    subcommands = {InspectCommand.class, VerifyCommand.class, BenchCommand.class})
final class ModelCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
