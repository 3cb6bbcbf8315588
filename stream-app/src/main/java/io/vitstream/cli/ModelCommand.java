package io.vitstream.cli;

import picocli.CommandLine.Command;

/** {@code vitstream model ...}: inspect, verify, benchmark and manage models. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Inspect, verify, benchmark and manage ViT models.",
    subcommands = {
      InspectCommand.class,
      VerifyCommand.class,
      BenchCommand.class,
      ListCommand.class,
      PromoteCommand.class,
      RollbackCommand.class,
      LineageCommand.class
    })
final class ModelCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
