package io.vitstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.Fixtures;
import io.vitstream.vit.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A copy of the timm fixture, broken one way per test: the load fails with a CheckpointException
 * whose message names the problem, and no model is left behind.
 */
class BrokenCheckpointTest {
  @TempDir Path dir;
  private NDManager manager;

  @BeforeEach
  void copyFixture() throws IOException {
    Djl.ensureConfigured();
    manager = NDManager.newBaseManager(Device.cpu());
    Path fixture = Fixtures.referenceVit("timm_fmnist");
    for (String file : new String[] {Checkpoints.CONFIG, Checkpoints.WEIGHTS}) {
      Files.copy(fixture.resolve(file), dir.resolve(file));
    }
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private AbstractThrowableAssert<?, ?> assertLoadFails() {
    return assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class);
  }

  /** Rewrites model.safetensors after {@code edit} changed its tensors. */
  private void rewriteWeights(Consumer<Map<String, NDArray>> edit) throws IOException {
    Path weights = dir.resolve(Checkpoints.WEIGHTS);
    Map<String, NDArray> tensors = new LinkedHashMap<>(SafeTensors.read(weights, manager));
    edit.accept(tensors);
    SafeTensors.write(weights, tensors, Map.of("format", "pt"));
  }

  @Test
  void shouldNameAMissingTensor() throws IOException {
    // Given weights without the second block's fc2 bias
    rewriteWeights(t -> t.remove("blocks.1.mlp.fc2.bias"));
    // When / Then
    assertLoadFails()
        .hasMessage("missing tensor 'blocks.1.mlp.fc2.bias' in model.safetensors (timm ViT)");
  }

  @Test
  void shouldNameAMisShapedTensorAndBothShapes() throws IOException {
    // Given a classifier of 9 classes where config.json says 10
    rewriteWeights(t -> t.put("head.weight", manager.zeros(new Shape(9, 64))));
    // When / Then
    assertLoadFails()
        .hasMessageContaining("tensor 'head.weight' has shape (9, 64), expected (10, 64)")
        .hasMessageContaining("config.json");
  }

  @Test
  void shouldNameAnUnexpectedExtraTensor() throws IOException {
    // Given an extra tensor that no parameter uses
    rewriteWeights(t -> t.put("blocks.2.norm1.weight", manager.ones(new Shape(64))));
    // When / Then
    assertLoadFails()
        .hasMessageContaining("unexpected tensor 'blocks.2.norm1.weight' in model.safetensors")
        .hasMessageContaining("timm ViT");
  }

  @Test
  void shouldSayConfigJsonIsMissing() throws IOException {
    // Given no config.json
    Files.delete(dir.resolve(Checkpoints.CONFIG));
    // When / Then
    assertLoadFails().hasMessage("missing " + dir.resolve(Checkpoints.CONFIG));
  }

  @Test
  void shouldSayConfigJsonIsNotJson() throws IOException {
    // Given a config.json cut off in the middle
    Files.writeString(dir.resolve(Checkpoints.CONFIG), "{\"library\": \"timm\", \"kwargs\": {");
    // When / Then
    assertLoadFails().hasMessage(dir.resolve(Checkpoints.CONFIG) + " is not a JSON object");
  }

  @Test
  void shouldSayConfigJsonIsOfAnUnknownFormat() throws IOException {
    // Given the config.json of a BERT model
    Files.writeString(
        dir.resolve(Checkpoints.CONFIG), "{\"model_type\": \"bert\", \"hidden_size\": 64}");
    // When / Then
    assertLoadFails()
        .hasMessageContaining("config.json is neither an HF ViT (model_type: vit) nor a timm ViT");
  }

  @Test
  void shouldSaySafetensorsIsTruncated() throws IOException {
    // Given weights with their last 100 bytes cut off
    Path weights = dir.resolve(Checkpoints.WEIGHTS);
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, Arrays.copyOf(bytes, bytes.length - 100));
    // When / Then
    assertLoadFails()
        .hasMessageStartingWith(weights + " is not a valid safetensors file")
        .hasMessageContaining("bad or truncated byte range");
  }

  @Test
  void shouldSaySafetensorsHeaderIsGarbage() throws IOException {
    // Given a plausible header length followed by bytes that are not JSON
    Path weights = dir.resolve(Checkpoints.WEIGHTS);
    try (SeekableByteChannel ch = Files.newByteChannel(weights, StandardOpenOption.WRITE)) {
      ch.position(8);
      ch.write(ByteBuffer.wrap("\u0000\u0017garbage{{".getBytes(StandardCharsets.UTF_8)));
    }
    // When / Then
    assertLoadFails()
        .hasMessage(weights + " is not a valid safetensors file: header is not a JSON object");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[1, 2, 3]",
        "{\"w\": 1}",
        "{\"w\": {\"dtype\": \"F32\"}}",
        "{\"w\": {\"dtype\": \"F32\", \"shape\": \"two\", \"data_offsets\": [0, 8]}}",
        "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0]}}",
        "{\"w\": {\"dtype\": 5, \"shape\": [2], \"data_offsets\": [0, 8]}}"
      })
  void shouldSayASafetensorsHeaderOfTheWrongStructureIsInvalid(String header) throws IOException {
    // Given a header that is JSON but not a safetensors header
    Path weights = dir.resolve(Checkpoints.WEIGHTS);
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer file =
        ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(json.length).put(json);
    Files.write(weights, file.array());
    // When / Then
    assertLoadFails()
        .hasMessageStartingWith(weights + " is not a valid safetensors file: ")
        .hasMessageMatching(".*(header is not a JSON object|tensor w .*)");
  }

  @Test
  void shouldSaySafetensorsHeaderLengthDoesNotFit() throws IOException {
    // Given a header length larger than the file
    Path weights = dir.resolve(Checkpoints.WEIGHTS);
    try (SeekableByteChannel ch = Files.newByteChannel(weights, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).flip());
    }
    // When / Then
    assertLoadFails()
        .hasMessageStartingWith(weights + " is not a valid safetensors file: header length");
  }

  @Test
  void shouldNameATensorOfAnUnsupportedDtype() throws IOException {
    // Given weights whose first tensor claims to be int64
    Path weights = dir.resolve(Checkpoints.WEIGHTS);
    byte[] bytes = Files.readAllBytes(weights);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"F32\"");
    System.arraycopy("\"I64\"".getBytes(StandardCharsets.ISO_8859_1), 0, bytes, at, 5);
    Files.write(weights, bytes);
    // When / Then
    assertLoadFails()
        .hasMessageStartingWith(weights + " is not a valid safetensors file: tensor ")
        .hasMessageEndingWith(" has unsupported dtype I64");
  }
}
