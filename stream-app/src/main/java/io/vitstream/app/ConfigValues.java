package io.vitstream.app;

import io.vitstream.vit.Precision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checked config values: every app key parsed and within its range, every other key a Kafka client
 * key. {@link #check} reports all problems at once.
 *
 * @param parsed the app keys' parsed values
 * @param clients every other key, for the Kafka clients
 */
record ConfigValues(Map<String, Object> parsed, Map<String, String> clients) {

  /**
   * Checks the merged values (defaults, file, flags).
   *
   * @throws ConfigException listing every bad value, unknown key and inconsistent pair
   */
  static ConfigValues check(Map<String, String> values) {
    List<String> errors = new ArrayList<>();
    Map<String, Object> parsed = new HashMap<>();
    Map<String, String> clients = new HashMap<>(values);
    for (ConfigKey key : ConfigKeys.ALL) {
      String text = clients.remove(key.name());
      key.parse(text)
          .ifPresentOrElse(v -> parsed.put(key.name(), v), () -> errors.add(key.error(text)));
    }
    clients.keySet().stream()
        .sorted()
        .forEach(k -> UnknownKeys.problem(k, clients.get(k)).ifPresent(errors::add));
    ConfigValues v = new ConfigValues(parsed, clients);
    errors.addAll(v.inconsistencies());
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return v;
  }

  /** Problems between keys that are each valid on their own. */
  private List<String> inconsistencies() {
    List<String> errors = new ArrayList<>();
    if (has(ConfigKeys.MODEL_MEAN, ConfigKeys.MODEL_STD)
        && floats(ConfigKeys.MODEL_MEAN).size() != floats(ConfigKeys.MODEL_STD).size()) {
      errors.add(
          String.format(
              Locale.ROOT,
              "%s has %d values and %s has %d: give one per channel in both",
              ConfigKeys.MODEL_MEAN.name(),
              floats(ConfigKeys.MODEL_MEAN).size(),
              ConfigKeys.MODEL_STD.name(),
              floats(ConfigKeys.MODEL_STD).size()));
    }
    if (has(ConfigKeys.MODEL_PRECISION, ConfigKeys.MODEL_DEVICE)
        && precision() == Precision.FP16
        && string(ConfigKeys.MODEL_DEVICE).equalsIgnoreCase("cpu")) {
      errors.add(
          ConfigKeys.MODEL_PRECISION.name()
              + "="
              + string(ConfigKeys.MODEL_PRECISION)
              + ": fp16 needs model.device=gpu; use fp32 on the CPU");
    }
    if (has(FeedbackKeys.TRIGGER_MIN_LABELS, FeedbackKeys.TRIGGER_LABELS)
        && integer(FeedbackKeys.TRIGGER_MIN_LABELS) > integer(FeedbackKeys.TRIGGER_LABELS)) {
      errors.add(
          FeedbackKeys.TRIGGER_MIN_LABELS.name()
              + "="
              + integer(FeedbackKeys.TRIGGER_MIN_LABELS)
              + ": must be at most "
              + FeedbackKeys.TRIGGER_LABELS.name()
              + " ("
              + integer(FeedbackKeys.TRIGGER_LABELS)
              + ")");
    }
    return errors;
  }

  private boolean has(ConfigKey a, ConfigKey b) {
    return parsed.containsKey(a.name()) && parsed.containsKey(b.name());
  }

  String string(ConfigKey key) {
    return (String) parsed.get(key.name());
  }

  int integer(ConfigKey key) {
    return (Integer) parsed.get(key.name());
  }

  double number(ConfigKey key) {
    return (Double) parsed.get(key.name());
  }

  boolean bool(ConfigKey key) {
    return (Boolean) parsed.get(key.name());
  }

  List<Float> floats(ConfigKey key) {
    return ((List<?>) parsed.get(key.name()))
        .stream().map(s -> Float.parseFloat(s.toString())).toList();
  }

  Precision precision() {
    return Precision.parse(string(ConfigKeys.MODEL_PRECISION));
  }
}
