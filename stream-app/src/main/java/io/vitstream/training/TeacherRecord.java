package io.vitstream.training;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/** What a distillation teacher's training took and reached, kept beside it for a resume. */
record TeacherRecord(int epochs, double seconds, double accuracy) {
  private static final String FILE = "teacher.properties";

  /** Whether {@code dir} holds a whole saved teacher: its parameters and this record. */
  static boolean savedIn(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE)) && ConvTeacher.savedIn(dir);
  }

  static TeacherRecord read(Path dir) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve(FILE), StandardCharsets.UTF_8)) {
      p.load(in);
      return new TeacherRecord(
          Integer.parseInt(p.getProperty("epochs")),
          Double.parseDouble(p.getProperty("seconds")),
          Double.parseDouble(p.getProperty("accuracy")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(FILE), e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(dir.resolve(FILE) + " is malformed: " + e.getMessage(), e);
    }
  }

  void write(Path dir) {
    Properties p = new Properties();
    p.setProperty("epochs", Integer.toString(epochs));
    p.setProperty("seconds", Double.toString(seconds));
    p.setProperty("accuracy", Double.toString(accuracy));
    try (Writer out = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8)) {
      p.store(out, "distillation teacher");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "%d epochs in %.0f s, test accuracy %.4f", epochs, seconds, accuracy);
  }
}
