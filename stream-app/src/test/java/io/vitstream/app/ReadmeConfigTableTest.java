package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadmeConfigTableTest {
  @Test
  void shouldDocumentEveryConfigKeyWithItsDefaultInTheReadme() throws Exception {
    Path repo = Path.of(System.getProperty("vitstream.repo.dir", ".."));
    String readme = Files.readString(repo.resolve("README.md"));
    for (ConfigKey key : ConfigKeys.ALL) {
      String defaultCell = key.defaultValue().isEmpty() ? "(none)" : "`" + key.defaultValue() + "`";
      assertThat(readme).contains("| `" + key.name() + "` | " + defaultCell + " |");
    }
  }
}
