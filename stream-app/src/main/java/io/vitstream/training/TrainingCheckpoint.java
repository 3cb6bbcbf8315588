package io.vitstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.vitstream.checkpoint.Checkpoints;
import io.vitstream.checkpoint.SafeTensors;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A resumable checkpoint folder: {@code model.safetensors} (timm names) and {@code state.json} (the
 * config it was trained with, epoch, step, time and history). Both are written atomically, weights
 * first, so the state never points at newer weights than it describes.
 *
 * <p>AdamW's moments are not saved: a resumed run restarts them from zero (with the bias correction
 * of a fresh Adam) while the learning-rate schedule continues where it stopped.
 */
public final class TrainingCheckpoint {
  private static final String STATE = "state.json";
  private static final Gson GSON =
      new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

  private final Path dir;

  /**
   * @param dir the checkpoint folder; created on the first save
   */
  public TrainingCheckpoint(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Deletes the folder and everything in it (weights, state, teacher, logs), for a fresh run. */
  public void delete() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete old checkpoint " + dir, e);
    }
  }

  private record Saved(ViTConfig vit, TrainingConfigView training, TrainingState state) {}

  /** The parts of the training config that must match on resume. */
  private record TrainingConfigView(int epochs, int batchSize, long seed) {}

  void save(VitModel model, TrainingConfig config, TrainingState state) {
    try {
      Files.createDirectories(dir);
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      model.parameters().forEach((name, p) -> tensors.put(name, p.getArray()));
      SafeTensors.write(dir.resolve(Checkpoints.WEIGHTS), tensors, Map.of("format", "pt"));
      TrainingConfigView view =
          new TrainingConfigView(config.epochs(), config.batchSize(), config.seed());
      Checkpoints.writeAtomically(
          dir.resolve(STATE), GSON.toJson(new Saved(model.config(), view, state)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Restores the weights into {@code model} and returns the state, or empty when there is no
   * checkpoint yet.
   *
   * <p>The epoch count may grow on resume: the cosine schedule is then stretched to the new end,
   * from the step reached.
   *
   * @throws IllegalStateException when the checkpoint was made with another geometry, batch size or
   *     seed, or has already trained more epochs than asked for
   */
  Optional<TrainingState> restore(VitModel model, TrainingConfig config) {
    Path state = dir.resolve(STATE);
    if (!Files.isRegularFile(state)) {
      return Optional.empty();
    }
    Saved saved;
    try {
      saved = GSON.fromJson(Files.readString(state), Saved.class);
    } catch (IOException | JsonParseException e) {
      throw new IllegalStateException("cannot read checkpoint " + state + ": " + e.getMessage(), e);
    }
    TrainingConfigView run = saved.training();
    boolean sameRun = run.batchSize() == config.batchSize() && run.seed() == config.seed();
    if (!saved.vit().equals(model.config()) || !sameRun) {
      throw new IllegalStateException(
          "checkpoint "
              + dir
              + " was made with "
              + run
              + " and "
              + saved.vit()
              + "; resume with the same geometry, batch size and seed");
    }
    if (config.epochs() < saved.state().epoch()) {
      throw new IllegalStateException(
          "checkpoint "
              + dir
              + " has already trained "
              + saved.state().epoch()
              + " epochs; resume with --epochs of at least that");
    }
    try (NDManager tmp = model.newBatchManager()) {
      model.setWeights(SafeTensors.read(dir.resolve(Checkpoints.WEIGHTS), tmp));
    }
    return Optional.of(saved.state());
  }
}
