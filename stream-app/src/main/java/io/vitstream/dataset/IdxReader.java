package io.vitstream.dataset;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST, gzip-compressed: a big-endian magic number
 * ({@code 0x0000_08_NN}, unsigned bytes with NN dimensions), the dimensions, then the data.
 */
public final class IdxReader {
  private static final int UNSIGNED_BYTE = 0x08;
  private static final long MAX_ELEMENTS = 1L << 30;

  private IdxReader() {}

  /** An IDX array of unsigned bytes: its dimensions and data. */
  public record IdxArray(int[] dims, byte[] data) {}

  /**
   * Reads a gzip IDX file of unsigned bytes.
   *
   * @throws IOException when the file cannot be read, or is not an unsigned-byte IDX file
   */
  public static IdxArray read(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
      int magic = in.readInt();
      int type = (magic >> 8) & 0xFF;
      int rank = magic & 0xFF;
      if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || rank < 1 || rank > 4) {
        throw new IOException(
            file
                + " is not an unsigned-byte IDX file (magic 0x"
                + Integer.toHexString(magic)
                + ")");
      }
      int[] dims = new int[rank];
      long elements = 1;
      for (int i = 0; i < rank; i++) {
        dims[i] = in.readInt();
        elements *= dims[i];
        if (dims[i] < 0 || elements > MAX_ELEMENTS) {
          throw new IOException(file + " claims an implausible size");
        }
      }
      byte[] data = new byte[(int) elements];
      try {
        in.readFully(data);
      } catch (EOFException e) {
        throw new IOException(file + " is truncated: expected " + elements + " values", e);
      }
      return new IdxArray(dims, data);
    }
  }

  /**
   * Reads an images file, (N, rows, cols) gray or (N, rows, cols, 3) RGB, and its labels file (N).
   *
   * @throws IOException when either cannot be read or their counts differ
   */
  public static LabeledImages readLabeled(Path images, Path labels) throws IOException {
    IdxArray x = read(images);
    IdxArray y = read(labels);
    int[] d = x.dims();
    boolean shaped = d.length == 3 || (d.length == 4 && d[3] == 3);
    if (!shaped || y.dims().length != 1 || d[0] != y.dims()[0]) {
      throw new IOException(images + " and " + labels + " do not hold N images and N labels");
    }
    int channels = d.length == 4 ? 3 : 1;
    return new LabeledImages(d[0], d[1], d[2], channels, x.data(), y.data());
  }
}
