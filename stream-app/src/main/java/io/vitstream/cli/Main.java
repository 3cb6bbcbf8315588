package io.vitstream.cli;

import io.vitstream.app.ConfigException;
import java.io.PrintWriter;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./vitstream}. Errors print one line and exit non-zero: 2 for a bad flag or
 * config (one line per problem), 1 for anything else.
 */
@Command(
    name = "vitstream",
    mixinStandardHelpOptions = true,
    version = "vitstream 0.1.0",
    description = "A streaming Vision Transformer classifier on Apache Kafka.",
    subcommands = {
      ModelCommand.class,
      BrokerCommand.class,
      RunCommand.class,
      PublishCommand.class,
      ConsumeCommand.class,
      StatusCommand.class,
      DemoCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      ClassifyCommand.class,
      BenchGroup.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with one-line error reporting; tests call it too. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setParameterExceptionHandler(
        (e, args) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println("vitstream: " + e.getMessage() + " (see --help)");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException c) { // a usage error, like a bad flag: exit 2
            c.errors().forEach(line -> commandLine.getErr().println("vitstream: " + line));
            return 2;
          }
          commandLine.getErr().println("vitstream: " + oneLine(e));
          return 1;
        });
    return cli;
  }

  static String oneLine(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof AuthenticationException) {
        return "Kafka authentication failed ("
            + firstLine(c)
            + "); check security.protocol, sasl.mechanism and sasl.jaas.config in the --config"
            + " file";
      }
    }
    return firstLine(e);
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
