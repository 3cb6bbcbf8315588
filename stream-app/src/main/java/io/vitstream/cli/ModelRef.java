package io.vitstream.cli;

import io.vitstream.store.ModelNames;
import java.util.OptionalInt;

/**
 * {@code NAME} or {@code NAME:VERSION} on the command line.
 *
 * @param name the model name
 * @param version the version; empty for the promoted one
 */
record ModelRef(String name, OptionalInt version) {

  /** Parses and validates; throws IllegalArgumentException with a one-line reason. */
  static ModelRef parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return new ModelRef(ModelNames.check(text), OptionalInt.empty());
    }
    String name = ModelNames.check(text.substring(0, colon));
    String v = text.substring(colon + 1);
    if (!v.matches("[1-9][0-9]{0,8}")) {
      throw new IllegalArgumentException("bad version '" + v + "' in '" + text + "'");
    }
    return new ModelRef(name, OptionalInt.of(Integer.parseInt(v)));
  }

  @Override
  public String toString() {
    return version.isPresent() ? name + ":" + version.getAsInt() : name;
  }
}
