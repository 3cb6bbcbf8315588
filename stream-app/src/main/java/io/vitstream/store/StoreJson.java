package io.vitstream.store;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** JSON files of the store (snake_case keys), written atomically. */
final class StoreJson {
  private static final Gson GSON =
      new GsonBuilder()
          .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
          .serializeSpecialFloatingPointValues()
          .setPrettyPrinting()
          .create();

  private StoreJson() {}

  static <T> T read(Path file, Class<T> type) {
    try {
      T value = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), type);
      if (value == null) {
        throw new StoreException(file + " is empty");
      }
      return value;
    } catch (NoSuchFileException e) {
      throw new StoreException("missing " + file, e);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new StoreException(
          file + " is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Writes through a temp file in the same folder and an atomic rename. */
  static void write(Path file, Object value) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-", ".json");
    try {
      Files.writeString(tmp, GSON.toJson(value) + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
