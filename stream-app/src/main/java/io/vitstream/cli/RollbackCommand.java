package io.vitstream.cli;

import io.vitstream.store.ModelNames;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitstream model rollback NAME}: restores the previously promoted version. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = "Promote again the version promoted before the current one.")
final class RollbackCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin StoreOption store;

  @Parameters(paramLabel = "NAME", description = "the model")
  String name;

  @Override
  public Integer call() {
    int version = store.open().rollback(ModelNames.check(name));
    spec.commandLine().getOut().println("rolled back " + name + " to version " + version);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
