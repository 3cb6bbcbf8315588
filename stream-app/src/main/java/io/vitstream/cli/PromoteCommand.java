package io.vitstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitstream model promote NAME:VERSION}. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = "Make a model version the promoted (serving) one.")
final class PromoteCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin StoreOption store;

  @Parameters(paramLabel = "NAME:VERSION", description = "the version to promote")
  String model;

  @Override
  public Integer call() {
    ModelRef ref = ModelRef.parse(model);
    if (ref.version().isEmpty()) {
      throw new IllegalArgumentException("give a version: " + ref.name() + ":VERSION");
    }
    store.open().promote(ref.name(), ref.version().getAsInt());
    spec.commandLine().getOut().println("promoted " + ref);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
