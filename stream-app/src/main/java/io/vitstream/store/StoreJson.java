package io.vitstream.store;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

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
    T value;
    try {
      value = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), type);
    } catch (NoSuchFileException e) {
      throw new StoreException(file + " is missing", e);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) { // Gson's parse errors, or a record constructor's refusal
      throw new StoreException(
          file + " is not a valid " + type.getSimpleName() + ": " + reason(e), e);
    }
    if (value == null) {
      throw new StoreException(file + " is empty");
    }
    return value;
  }

  /**
   * The innermost message: Gson wraps what a record's constructor throws in a message that lists
   * every argument.
   */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    if (root instanceof NullPointerException) {
      message = "a required field is missing: " + message;
    }
    return message.lines().findFirst().orElse(message);
  }

  /**
   * Gives a folder (rwxr-xr-x) and its files (rw-r--r--) the usual permissions: temp files and
   * folders are created private. No-op where POSIX permissions do not exist.
   */
  static void makeReadable(Path path) throws IOException {
    if (!Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class)) {
      return;
    }
    boolean dir = Files.isDirectory(path);
    Files.setPosixFilePermissions(
        path, PosixFilePermissions.fromString(dir ? "rwxr-xr-x" : "rw-r--r--"));
    if (dir) {
      try (Stream<Path> children = Files.list(path)) {
        for (Path child : children.toList()) {
          makeReadable(child);
        }
      }
    }
  }

  /** Writes through a temp file in the same folder and an atomic rename. */
  static void write(Path file, Object value) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-", ".json");
    try {
      Files.writeString(tmp, GSON.toJson(value) + "\n", StandardCharsets.UTF_8);
      makeReadable(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
