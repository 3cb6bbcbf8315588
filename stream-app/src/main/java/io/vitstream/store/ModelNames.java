package io.vitstream.store;

import java.util.regex.Pattern;

/** Model names: lower-case letters, digits, dot, dash, underscore; never a path. */
public final class ModelNames {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private ModelNames() {}

  /**
   * Checks a model name.
   *
   * @return the name
   * @throws IllegalArgumentException for a name that is empty, too long, has other characters
   *     (slashes, for example) or contains {@code ..}
   */
  public static String check(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException(
          "invalid model name '"
              + name
              + "': use 1-64 of [a-z0-9._-], starting with a letter or digit, without '..'");
    }
    return name;
  }
}
