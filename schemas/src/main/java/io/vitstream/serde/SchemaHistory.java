package io.vitstream.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;

/**
 * The released versions of each schema, kept as {@code schemas/history/v<N>/<Name>.avsc} and
 * packaged under {@code io/vitstream/avro/history/}. A version folder holds only the schemas that
 * changed in it; the current version is the one at the top of {@code schemas/}.
 */
public final class SchemaHistory {
  /** Version folders probed, v1 up to this. */
  static final int MAX_VERSION = 64;

  private static final String ROOT = "/io/vitstream/avro/history/v";

  private SchemaHistory() {}

  /**
   * The released schemas of a generated class that differ from its current schema, oldest first.
   *
   * @param type a generated SpecificRecord class; may not be null
   */
  public static List<Schema> olderVersions(Class<?> type) {
    Schema current = SpecificData.get().getSchema(type);
    long currentFingerprint = SchemaNormalization.parsingFingerprint64(current);
    List<Schema> older = new ArrayList<>();
    for (int v = 1; v <= MAX_VERSION; v++) {
      String resource = ROOT + v + "/" + type.getSimpleName() + ".avsc";
      try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
        if (in == null) {
          continue;
        }
        Schema schema = new Schema.Parser().parse(in);
        if (SchemaNormalization.parsingFingerprint64(schema) != currentFingerprint) {
          older.add(schema);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema history " + resource, e);
      }
    }
    return older;
  }
}
