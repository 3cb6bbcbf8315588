package io.vitstream.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian data.
 *
 * <p>Each tensor is memory-mapped on its own, so files over 2 GiB load (DJL's own decoder reads the
 * whole file into one Java array). F32, F16, BF16 and F64 are read; BF16 and F64 become F32.
 */
public final class SafeTensors {
  private static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {}

  /**
   * Reads every tensor of a file into {@code manager}, in file order.
   *
   * @throws CheckpointException naming the file and what is wrong with it
   */
  public static Map<String, NDArray> read(Path file, NDManager manager) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return tensors(file, new Bytes.Mapped(ch), manager);
    } catch (NoSuchFileException e) {
      throw new CheckpointException("missing file " + file);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code bytes}, the content of {@code file}, are a complete safetensors file: a
   * header that parses, and every tensor's dtype, shape and byte range inside the data. Nothing is
   * allocated.
   *
   * @throws CheckpointException naming the file and what is wrong with it
   */
  public static void check(Path file, byte[] bytes) {
    header(file, new Bytes.InMemory(bytes));
  }

  /**
   * Reads every tensor of {@code bytes}, the content of {@code file}, into {@code manager}.
   *
   * @throws CheckpointException naming the file and what is wrong with it
   */
  public static Map<String, NDArray> decode(Path file, byte[] bytes, NDManager manager) {
    try {
      return tensors(file, new Bytes.InMemory(bytes), manager);
    } catch (IOException e) {
      throw new IllegalStateException("reading a byte array cannot fail", e);
    }
  }

  private static Map<String, NDArray> tensors(Path file, Bytes bytes, NDManager manager)
      throws IOException {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (TensorSpec t : header(file, bytes)) {
      ByteBuffer raw = bytes.slice(t.begin(), t.end() - t.begin());
      NDArray array =
          switch (t.dtype()) {
            case "F32" -> manager.create(raw, t.shape(), DataType.FLOAT32);
            case "F16" -> manager.create(raw, t.shape(), DataType.FLOAT16);
            case "F64" ->
                manager.create(raw, t.shape(), DataType.FLOAT64).toType(DataType.FLOAT32, false);
            default -> manager.create(bf16ToF32(raw), t.shape(), DataType.FLOAT32);
          };
      array.setName(t.name());
      out.put(t.name(), array);
    }
    return out;
  }

  /** The tensors the header lists, in file order, each checked against the data's size. */
  private static List<TensorSpec> header(Path file, Bytes bytes) {
    long size;
    long headerLen;
    String text;
    try {
      size = bytes.size();
      if (size < 8) {
        throw bad(file, "file is too short for a safetensors header");
      }
      headerLen = bytes.slice(0, 8).getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw bad(file, "header length " + headerLen + " does not fit a file of " + size + " B");
      }
      ByteBuffer header = bytes.slice(8, headerLen);
      byte[] json = new byte[header.remaining()];
      header.get(json);
      text = new String(json, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
    long dataStart = 8 + headerLen;
    List<TensorSpec> specs = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : parseHeader(file, text).entrySet()) {
      if (!e.getKey().equals("__metadata__")) {
        specs.add(spec(file, dataStart, size, e.getKey(), e.getValue()));
      }
    }
    return specs;
  }

  private static JsonObject parseHeader(Path file, String text) {
    try {
      return JsonParser.parseString(text.trim()).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw bad(file, "header is not a JSON object");
    }
  }

  /** A tensor's header entry, its offsets made absolute and checked against the file's size. */
  private static TensorSpec spec(
      Path file, long dataStart, long fileSize, String name, JsonElement spec) {
    String dtype;
    long[] dims;
    long begin;
    long end;
    try {
      JsonObject o = spec.getAsJsonObject();
      dtype = o.get("dtype").getAsString();
      dims = Objects.requireNonNull(new Gson().fromJson(o.get("shape"), long[].class));
      begin = o.getAsJsonArray("data_offsets").get(0).getAsLong();
      end = o.getAsJsonArray("data_offsets").get(1).getAsLong();
    } catch (RuntimeException e) { // gson's type errors, or a missing key
      throw bad(file, "tensor " + name + " needs dtype, shape and data_offsets [begin, end]");
    }
    Shape shape = new Shape(dims);
    int width = elementBytes(file, name, dtype);
    if (end - begin != shape.size() * width || begin < 0 || dataStart + end > fileSize) {
      throw bad(file, "tensor " + name + " " + shape + " has a bad or truncated byte range");
    }
    return new TensorSpec(name, dtype, shape, dataStart + begin, dataStart + end);
  }

  /** One tensor of the header; {@code begin} and {@code end} are absolute file offsets. */
  private record TensorSpec(String name, String dtype, Shape shape, long begin, long end) {}

  /** The file's bytes, memory-mapped one tensor at a time or already in memory. */
  private interface Bytes {
    long size() throws IOException;

    /** {@code length} bytes from {@code offset}, little-endian. */
    ByteBuffer slice(long offset, long length) throws IOException;

    record Mapped(FileChannel channel) implements Bytes {
      @Override
      public long size() throws IOException {
        return channel.size();
      }

      @Override
      public ByteBuffer slice(long offset, long length) throws IOException {
        return channel
            .map(FileChannel.MapMode.READ_ONLY, offset, length)
            .order(ByteOrder.LITTLE_ENDIAN);
      }
    }

    record InMemory(byte[] bytes) implements Bytes {
      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      public ByteBuffer slice(long offset, long length) {
        return ByteBuffer.wrap(bytes, (int) offset, (int) length)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
      }
    }
  }

  private static int elementBytes(Path file, String name, String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64" -> 8;
      default -> throw bad(file, "tensor " + name + " has unsupported dtype " + dtype);
    };
  }

  private static ByteBuffer bf16ToF32(ByteBuffer raw) {
    ByteBuffer out = ByteBuffer.allocateDirect(raw.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
    while (raw.remaining() >= 2) {
      out.putInt((raw.getShort() & 0xFFFF) << 16);
    }
    return out.flip();
  }

  private static CheckpointException bad(Path file, String what) {
    return new CheckpointException(file + " is not a valid safetensors file: " + what);
  }

  /**
   * Writes tensors as float32 (or float16 when they are) safetensors, atomically: a temp file in
   * the same folder, then a rename.
   */
  public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
      throws IOException {
    JsonObject header = new JsonObject();
    JsonObject meta = new JsonObject();
    metadata.forEach(meta::addProperty);
    header.add("__metadata__", meta);
    long offset = 0;
    Map<String, byte[]> data = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      NDArray a = e.getValue();
      boolean half = a.getDataType() == DataType.FLOAT16;
      NDArray typed = half ? a : a.toType(DataType.FLOAT32, false);
      byte[] bytes = typed.toByteArray();
      JsonObject spec = new JsonObject();
      spec.addProperty("dtype", half ? "F16" : "F32");
      spec.add("shape", new Gson().toJsonTree(a.getShape().getShape()));
      spec.add("data_offsets", new Gson().toJsonTree(new long[] {offset, offset + bytes.length}));
      header.add(e.getKey(), spec);
      data.put(e.getKey(), bytes);
      offset += bytes.length;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int pad = (8 - json.length % 8) % 8; // the data section starts 8-byte aligned
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-", ".safetensors");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      out.write(
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad).array());
      out.write(json);
      out.write(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
      for (byte[] bytes : data.values()) {
        out.write(bytes);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
