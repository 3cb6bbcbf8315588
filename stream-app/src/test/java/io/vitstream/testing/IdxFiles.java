package io.vitstream.testing;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes gzip IDX files of unsigned bytes, as Fashion-MNIST ships them. */
public final class IdxFiles {
  private IdxFiles() {}

  /** Writes {@code data} with the dimensions {@code dims} to {@code file}. */
  public static void write(Path file, int[] dims, byte[] data) throws IOException {
    try (var out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(0x0800 | dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}
