package io.vitstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The .avsc files are the contract for clients in other languages: check the house rules. */
class SchemaFilesTest {
  private static final Path AVRO = Path.of(".");

  @Test
  void shouldDocumentEveryFieldAndDefaultEveryOptionalToNull() throws IOException {
    List<String> problems = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(AVRO)) {
      files = s.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
    }
    assertThat(files).hasSize(6);
    for (Path file : files) {
      // each file parses alone, as an independent client would parse it
      check(new Schema.Parser().parse(file.toFile()), problems);
    }
    assertThat(problems).isEmpty();
  }

  private static void check(Schema schema, List<String> problems) {
    switch (schema.getType()) {
      case RECORD -> {
        if (schema.getDoc() == null) {
          problems.add(schema.getFullName() + " has no doc");
        }
        assertThat(schema.getNamespace()).isEqualTo("io.vitstream.avro");
        for (Schema.Field f : schema.getFields()) {
          String name = schema.getName() + "." + f.name();
          if (f.doc() == null || f.doc().isBlank()) {
            problems.add(name + " has no doc");
          }
          if (f.schema().isNullable()
              && (f.schema().getTypes().get(0).getType() != Schema.Type.NULL
                  || !f.hasDefaultValue()
                  || f.defaultVal() != JsonProperties.NULL_VALUE)) {
            problems.add(name + " is optional but not [\"null\", T] with default null");
          }
          check(f.schema(), problems);
        }
      }
      case UNION -> schema.getTypes().forEach(t -> check(t, problems));
      case ARRAY -> check(schema.getElementType(), problems);
      case MAP -> check(schema.getValueType(), problems);
      default -> {}
    }
  }
}
