package io.vitstream.app;

import java.util.Optional;

/**
 * One configuration key, declared once: its type, default, accepted values and doc line.
 *
 * @param name the key, as written in the config file
 * @param type how its text is parsed
 * @param defaultValue the value when neither the file nor a flag sets it; must be valid
 * @param validator the values accepted after parsing
 * @param doc one line for the README's config table and {@code --help}
 */
public record ConfigKey(
    String name, ConfigType type, String defaultValue, Validator validator, String doc) {

  /**
   * What a valid value is, e.g. {@code an integer in [1, 1024]}; a string's validator says it alone
   * ({@code one of cpu, gpu}).
   */
  public String expected() {
    if (validator.allowed().isEmpty()) {
      return type.noun();
    }
    return type == ConfigType.STRING
        ? validator.allowed()
        : type.noun() + " " + validator.allowed();
  }

  /**
   * Parses and checks a value.
   *
   * @return the parsed value (see {@link ConfigType#parse}), or empty when it is invalid
   */
  public Optional<Object> parse(String text) {
    try {
      Object value = type.parse(text);
      return validator.accepts(value) ? Optional.of(value) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The one-line error for an invalid value, naming the key, the value and what is accepted. */
  public String error(String text) {
    return name + "=" + text + ": must be " + expected();
  }
}
