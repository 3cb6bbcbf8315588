package io.vitstream.app;

import java.util.List;

/** A configuration that cannot be used; lists every problem found, one line each. */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The problems, one line each. */
  private final List<String> errors;

  /**
   * @param errors one line per problem, each naming the key; at least one
   */
  public ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a config exception needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** The problems, one line each. */
  public List<String> errors() {
    return errors;
  }
}
