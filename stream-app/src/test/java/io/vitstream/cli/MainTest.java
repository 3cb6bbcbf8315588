package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void shouldListTheStreamingCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("broker", "run", "publish", "consume", "demo");
  }

  @Test
  void shouldShowEveryOptionsDefaultInEveryCommandsHelp() {
    // Given every command and subcommand, when its help is rendered
    List<String> raw = new ArrayList<>();
    List<CommandLine> todo = new ArrayList<>(List.of(Main.commandLine()));
    while (!todo.isEmpty()) {
      CommandLine c = todo.remove(todo.size() - 1);
      todo.addAll(c.getSubcommands().values());
      for (var option : c.getCommandSpec().options()) {
        for (String line : option.description()) {
          if (line.contains("%s")) { // picocli formats descriptions with no arguments
            raw.add(c.getCommandName() + " " + option.longestName() + ": " + line);
          }
        }
      }
    }
    // Then no description holds a format specifier that help would print raw, with a warning
    assertThat(raw).isEmpty();
  }

  @Test
  void shouldFailInOneLineWhenThereIsNothingToPublish() {
    assertThat(run("publish")).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("vitstream: nothing to publish: give files, folders or --fashion-mnist");
  }

  @Test
  void shouldFailInOneLineOnABadConfigValue() {
    assertThat(run("publish", "--set", "max.batch.size=many", "x.png")).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("vitstream: max.batch.size=many: must be an integer in [1, 1024]");
  }

  @Test
  void shouldPrintEveryConfigErrorOnItsOwnLineAndExitTwo() {
    // Given two bad values and a misspelt key
    int code =
        run(
            "run",
            "--set",
            "num.stream.threads=0",
            "--set",
            "max.batch.size=100000",
            "--set",
            "max.batch.sise=64");

    // Then run stops before any broker or model: exit 2, one line per error, no stack trace
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "vitstream: num.stream.threads=0: must be an integer >= 1",
            "vitstream: max.batch.size=100000: must be an integer in [1, 1024]",
            "vitstream: unknown key max.batch.sise=64: did you mean max.batch.size?");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void shouldGiveUpOnAnUnreachableBrokerInOneLineWithin20Seconds() throws Exception {
    // Given a local port that nothing listens on
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    // When run is pointed at it with the default broker.wait.s
    long t0 = System.nanoTime();
    int code = run("run", "--bootstrap-servers", "127.0.0.1:" + port);
    double seconds = (System.nanoTime() - t0) / 1e9;

    // Then it exits 1 after one line, within 20 s, having printed nothing on stdout
    assertThat(code).isEqualTo(1);
    assertThat(seconds).isLessThan(20);
    assertThat(err.toString().strip())
        .matches(
            "vitstream: cannot reach Kafka at 127\\.0\\.0\\.1:"
                + port
                + " after 1[5-9] s \\(connection refused\\)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void shouldFailInOneLineOnABadSaslUser() {
    assertThat(run("broker", "--sasl-plain", "alice")).isEqualTo(2);
    assertThat(err.toString().strip())
        .startsWith("vitstream: ")
        .contains("expected USER:PASSWORD")
        .endsWith("(see --help)");
  }
}
