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
import java.util.LinkedHashMap;
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
      long size = ch.size();
      if (size < 8) {
        throw bad(file, "file is too short for a safetensors header");
      }
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(len, 0);
      long headerLen = len.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw bad(file, "header length " + headerLen + " does not fit a file of " + size + " B");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      ch.read(header, 8);
      JsonObject json = parseHeader(file, new String(header.array(), StandardCharsets.UTF_8));
      long dataStart = 8 + headerLen;
      Map<String, NDArray> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : json.entrySet()) {
        if (!e.getKey().equals("__metadata__")) {
          out.put(e.getKey(), readTensor(file, ch, dataStart, e.getKey(), e.getValue(), manager));
        }
      }
      return out;
    } catch (NoSuchFileException e) {
      throw new CheckpointException("missing file " + file);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static JsonObject parseHeader(Path file, String text) {
    try {
      return JsonParser.parseString(text.trim()).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw bad(file, "header is not a JSON object");
    }
  }

  private static NDArray readTensor(
      Path file, FileChannel ch, long dataStart, String name, JsonElement spec, NDManager manager)
      throws IOException {
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
    if (end - begin != shape.size() * width || begin < 0 || dataStart + end > ch.size()) {
      throw bad(file, "tensor " + name + " " + shape + " has a bad or truncated byte range");
    }
    ByteBuffer raw =
        ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin)
            .order(ByteOrder.LITTLE_ENDIAN);
    NDArray array =
        switch (dtype) {
          case "F32" -> manager.create(raw, shape, DataType.FLOAT32);
          case "F16" -> manager.create(raw, shape, DataType.FLOAT16);
          case "F64" ->
              manager.create(raw, shape, DataType.FLOAT64).toType(DataType.FLOAT32, false);
          default -> manager.create(bf16ToF32(raw), shape, DataType.FLOAT32);
        };
    array.setName(name);
    return array;
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
