package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
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
  void shouldFailInOneLineWhenThereIsNothingToPublish() {
    assertThat(run("publish")).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("vitstream: nothing to publish: give files, folders or --fashion-mnist");
  }

  @Test
  void shouldFailInOneLineOnABadConfigValue() {
    assertThat(run("publish", "--set", "max.batch.size=many", "x.png")).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("vitstream: max.batch.size must be an integer, got 'many'");
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
