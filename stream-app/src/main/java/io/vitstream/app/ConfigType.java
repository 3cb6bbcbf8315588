package io.vitstream.app;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The type of a config key's value, and how its text is parsed. */
public enum ConfigType {
  INT("an integer"),
  LONG("an integer"),
  DOUBLE("a number"),
  BOOLEAN("true or false"),
  STRING("a string"),
  /** Comma-separated strings, each trimmed. */
  LIST("a comma-separated list");

  private final String noun;

  ConfigType(String noun) {
    this.noun = noun;
  }

  /** What a value of this type is, for error messages: "an integer", "a number", ... */
  public String noun() {
    return noun;
  }

  /**
   * Parses a value.
   *
   * @return an Integer, Long, Double, Boolean, String or {@code List<String>}
   * @throws IllegalArgumentException when the text is not of this type
   */
  public Object parse(String text) {
    String t = text.trim();
    return switch (this) {
      case INT -> Integer.parseInt(t);
      case LONG -> Long.parseLong(t);
      case DOUBLE -> finite(Double.parseDouble(t));
      case BOOLEAN -> bool(t);
      case STRING -> t;
      case LIST ->
          t.isEmpty() ? List.of() : Arrays.stream(t.split(",", -1)).map(String::trim).toList();
    };
  }

  private static double finite(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("not finite");
    }
    return d;
  }

  private static boolean bool(String t) {
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    };
  }
}
