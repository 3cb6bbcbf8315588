package io.vitstream.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The train commands that built a checkpoint, oldest first, one per line of {@code commands.txt} in
 * its folder. A model trained over several resumed runs thus records every command that trained it,
 * not only the last.
 */
final class CommandLog {
  private static final String FILE = "commands.txt";

  private CommandLog() {}

  /** Appends {@code command} to the log in {@code dir} and returns the whole log. */
  static List<String> append(Path dir, String command) {
    Path file = dir.resolve(FILE);
    try {
      List<String> commands =
          new ArrayList<>(
              Files.isRegularFile(file)
                  ? Files.readAllLines(file, StandardCharsets.UTF_8)
                  : List.of());
      commands.add(command);
      Files.createDirectories(dir);
      Files.write(file, commands, StandardCharsets.UTF_8);
      return List.copyOf(commands);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
