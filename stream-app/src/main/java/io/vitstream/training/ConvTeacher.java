package io.vitstream.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import io.vitstream.evaluation.LogitModel;
import io.vitstream.runtime.Djl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small convolutional network that only teaches: DeiT (Touvron et al., ICML 2021) showed that a
 * ViT trained on little data gains most from a convnet teacher, whose soft predictions carry the
 * locality bias the ViT lacks. Two stages of two 3x3 conv-BatchNorm-ReLU layers (16 then 32
 * filters, each stage ending in 2x2 max pooling), then a 256-unit hidden layer with dropout 0.3. It
 * is never served and never stored in the model store; a training checkpoint keeps it.
 */
public final class ConvTeacher implements LogitModel, AutoCloseable {
  private static final String NAME = "teacher";

  private final Model model;
  private final int classes;

  private ConvTeacher(Model model, int classes) {
    this.model = model;
    this.classes = classes;
  }

  /** Builds the network with DJL's default initialisation (seeded by the engine's seed). */
  public static ConvTeacher create(Device device, int channels, int imageSize, int classes) {
    Djl.ensureConfigured();
    Model model = Model.newInstance(NAME, device, "PyTorch");
    try {
      SequentialBlock net = new SequentialBlock();
      stage(net, 16);
      stage(net, 32);
      net.add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(256).build())
          .add(Activation.reluBlock())
          .add(Dropout.builder().optRate(0.3f).build())
          .add(Linear.builder().setUnits(classes).build());
      model.setBlock(net);
      net.initialize(
          model.getNDManager(), DataType.FLOAT32, new Shape(1, channels, imageSize, imageSize));
      return new ConvTeacher(model, classes);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private static void stage(SequentialBlock net, int filters) {
    for (int i = 0; i < 2; i++) {
      net.add(
              Conv2d.builder()
                  .setKernelShape(new Shape(3, 3))
                  .optPadding(new Shape(1, 1))
                  .setFilters(filters)
                  .optBias(false)
                  .build())
          .add(BatchNorm.builder().build())
          .add(Activation.reluBlock());
    }
    net.add(Pool.maxPool2dBlock(new Shape(2, 2)));
  }

  /** Loads the parameters saved by {@link #save} into this network. */
  public void load(Path dir) {
    try {
      model.load(dir, NAME);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the teacher in " + dir + ": " + e.getMessage(), e);
    } catch (MalformedModelException e) {
      throw new IllegalStateException("the teacher in " + dir + " is malformed", e);
    }
  }

  /** Saves the parameters (and BatchNorm statistics) under {@code dir}. */
  public void save(Path dir) {
    try {
      Files.createDirectories(dir);
      model.save(dir, NAME);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the teacher in " + dir, e);
    }
  }

  /** Whether {@code dir} holds a saved teacher. */
  public static boolean savedIn(Path dir) {
    return Files.isRegularFile(dir.resolve(NAME + "-0000.params"));
  }

  /** The DJL model, for {@code Model.newTrainer}. */
  Model djlModel() {
    return model;
  }

  @Override
  public int numClasses() {
    return classes;
  }

  @Override
  public NDManager newBatchManager() {
    return model.getNDManager().newSubManager();
  }

  @Override
  public NDArray logits(NDArray images) {
    Djl.disableGradOnThisThread();
    ParameterStore ps = new ParameterStore(images.getManager(), false);
    return model.getBlock().forward(ps, new NDList(images), false).singletonOrThrow();
  }

  @Override
  public void close() {
    model.close();
  }
}
