package io.vitstream.serde;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Adds generated classes to Avro's global class trust (Avro 1.12 refuses to instantiate classes not
 * trusted, including those it generated itself). Each class is added once.
 */
final class AvroTrust {
  private static final Set<String> TRUSTED = new HashSet<>();

  private AvroTrust() {}

  /** Trusts the classes of every named type (records, enums, fixed) reachable from a schema. */
  static synchronized void trust(Schema root) {
    ClassSecurityValidator.Builder added = ClassSecurityValidator.builder();
    boolean any = false;
    Deque<Schema> todo = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Schema s = todo.pop();
      switch (s.getType()) {
        case RECORD -> s.getFields().forEach(f -> todo.push(f.schema()));
        case UNION -> s.getTypes().forEach(todo::push);
        case ARRAY -> todo.push(s.getElementType());
        case MAP -> todo.push(s.getValueType());
        default -> {}
      }
      boolean named =
          s.getType() == Schema.Type.RECORD
              || s.getType() == Schema.Type.ENUM
              || s.getType() == Schema.Type.FIXED;
      if (named && seen.add(s.getFullName())) {
        String className = SpecificData.getClassName(s);
        if (TRUSTED.add(className)) {
          added.add(className);
          any = true;
        }
      }
    }
    if (any) {
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), added.build()));
    }
  }
}
