package io.vitstream.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small typed reads of a checkpoint's config.json, each failing with a one-line message. */
final class Json {
  private final Path file;
  private final JsonObject root;

  private Json(Path file, JsonObject root) {
    this.file = file;
    this.root = root;
  }

  static Json read(Path file) {
    try {
      return new Json(file, JsonParser.parseString(Files.readString(file)).getAsJsonObject());
    } catch (NoSuchFileException e) {
      throw new CheckpointException("missing " + file);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointException(file + " is not a JSON object");
    }
  }

  Json(Path file, JsonElement object, String what) {
    this(file, asObject(file, object, what));
  }

  private static JsonObject asObject(Path file, JsonElement e, String what) {
    if (e == null || !e.isJsonObject()) {
      throw new CheckpointException(file + ": '" + what + "' must be a JSON object");
    }
    return e.getAsJsonObject();
  }

  JsonObject root() {
    return root;
  }

  boolean has(String key) {
    return root.has(key) && !root.get(key).isJsonNull();
  }

  Json object(String key) {
    return new Json(file, root.get(key), key);
  }

  String string(String key, String fallback) {
    return has(key) ? root.get(key).getAsString() : fallback;
  }

  int integer(String key, int fallback) {
    try {
      return has(key) ? root.get(key).getAsInt() : fallback;
    } catch (RuntimeException e) {
      throw new CheckpointException(file + ": '" + key + "' must be an integer");
    }
  }

  int requiredInt(String key) {
    if (!has(key)) {
      throw new CheckpointException(file + " has no '" + key + "'");
    }
    return integer(key, 0);
  }

  double number(String key, double fallback) {
    try {
      return has(key) ? root.get(key).getAsDouble() : fallback;
    } catch (RuntimeException e) {
      throw new CheckpointException(file + ": '" + key + "' must be a number");
    }
  }

  /** A list of integers, or {@code fallback} when the key is absent. */
  List<Integer> integers(String key, List<Integer> fallback) {
    return list(key, fallback, JsonElement::getAsInt, "integers");
  }

  /** A list of strings, or {@code fallback} when the key is absent. */
  List<String> strings(String key, List<String> fallback) {
    return list(key, fallback, JsonElement::getAsString, "strings");
  }

  private <T> List<T> list(
      String key, List<T> fallback, Function<JsonElement, T> element, String what) {
    if (!has(key)) {
      return fallback;
    }
    try {
      List<T> values = new ArrayList<>();
      root.getAsJsonArray(key).forEach(e -> values.add(element.apply(e)));
      return values;
    } catch (RuntimeException e) {
      throw new CheckpointException(file + ": '" + key + "' must be a list of " + what);
    }
  }

  boolean bool(String key, boolean fallback) {
    return has(key) ? root.get(key).getAsBoolean() : fallback;
  }

  Path file() {
    return file;
  }
}
