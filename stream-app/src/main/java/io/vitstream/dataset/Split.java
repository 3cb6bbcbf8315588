package io.vitstream.dataset;

import java.util.Locale;

/** A data set split. */
public enum Split {
  TRAIN,
  TEST;

  /** Parses {@code train} or {@code test}. */
  public static Split parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "train" -> TRAIN;
      case "test" -> TEST;
      default -> throw new IllegalArgumentException("unknown split '" + text + "': train or test");
    };
  }
}
