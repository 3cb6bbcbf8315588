package io.vitstream.app;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Utils;

/**
 * The values a config key accepts, after its {@link ConfigType} parsed them.
 *
 * @param allowed the rule as it reads after the type's noun, e.g. {@code in [1, 1024]} (so an error
 *     reads "must be an integer in [1, 1024]"), or for a string the whole rule ({@code one of cpu,
 *     gpu}); empty when any value of the type is accepted
 * @param test accepts a parsed value
 */
public record Validator(String allowed, Predicate<Object> test) {
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** Any value of the type. */
  public static Validator any() {
    return new Validator("", v -> true);
  }

  /** Comma-separated {@code host:port} addresses, at least one. */
  public static Validator hostPorts() {
    return new Validator(
        "host:port[,host:port...]",
        v ->
            Arrays.stream(v.toString().split(",", -1))
                .map(String::trim)
                .allMatch(s -> Utils.getHost(s) != null && Utils.getPort(s) != null));
  }

  /** A number at least {@code min}. */
  public static Validator atLeast(double min) {
    return new Validator(">= " + format(min), v -> number(v) >= min);
  }

  /** A number greater than {@code min}. */
  public static Validator greaterThan(double min) {
    return new Validator("> " + format(min), v -> number(v) > min);
  }

  /** A number in the closed interval [min, max]. */
  public static Validator between(double min, double max) {
    return new Validator(
        "in [" + format(min) + ", " + format(max) + "]", v -> number(v) >= min && number(v) <= max);
  }

  /** A number in (min, max]: above min, at most max. */
  public static Validator aboveAndAtMost(double min, double max) {
    return new Validator(
        "in (" + format(min) + ", " + format(max) + "]", v -> number(v) > min && number(v) <= max);
  }

  /** A number in [min, max): at least min, below max. */
  public static Validator atLeastAndBelow(double min, double max) {
    return new Validator(
        "in [" + format(min) + ", " + format(max) + ")", v -> number(v) >= min && number(v) < max);
  }

  /** One of the given strings, in any case. */
  public static Validator oneOf(String... values) {
    List<String> ok = Arrays.asList(values);
    return new Validator(
        "one of " + String.join(", ", ok), v -> ok.contains(v.toString().toLowerCase(Locale.ROOT)));
  }

  /** A string that is not blank. */
  public static Validator nonEmpty() {
    return new Validator("a non-empty string", v -> !v.toString().isBlank());
  }

  /** A legal Kafka topic name. */
  public static Validator topicName() {
    return new Validator(
        "a topic name: 1 to 249 characters from [a-zA-Z0-9._-]",
        v -> TOPIC.matcher(v.toString()).matches());
  }

  /** A non-empty list whose every element is a number that {@code each} accepts. */
  public static Validator numbers(Validator each) {
    return new Validator(
        "of numbers" + (each.allowed().isEmpty() ? "" : " " + each.allowed()),
        v -> {
          List<?> list = (List<?>) v;
          if (list.isEmpty()) {
            return false;
          }
          for (Object s : list) {
            try {
              if (!each.test().test(ConfigType.DOUBLE.parse(s.toString()))) {
                return false;
              }
            } catch (IllegalArgumentException e) {
              return false;
            }
          }
          return true;
        });
  }

  /** A rule of its own: {@code allowed} describes it, {@code test} checks it. */
  public static Validator of(String allowed, Predicate<Object> test) {
    return new Validator(allowed, test);
  }

  /** Whether the parsed value is accepted. */
  public boolean accepts(Object value) {
    return test.test(value);
  }

  private static double number(Object v) {
    return ((Number) v).doubleValue();
  }

  private static String format(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
