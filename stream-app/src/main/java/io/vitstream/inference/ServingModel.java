package io.vitstream.inference;

import io.vitstream.image.Preprocessing;
import io.vitstream.vit.VitModel;
import java.util.List;

/**
 * A model ready to serve: the ViT and what the topology needs to feed it and name its outputs.
 * Closing it frees the model's native memory.
 *
 * @param name model name, as predictions report it
 * @param version model version, as predictions report it
 * @param model the ViT, owned by this value
 * @param labels class names by output index; as many as the model has classes
 * @param preprocessing how images become this model's input
 */
public record ServingModel(
    String name, int version, VitModel model, List<String> labels, Preprocessing preprocessing)
    implements AutoCloseable {

  /** Checks that labels and preprocessing fit the model's geometry. */
  public ServingModel {
    labels = List.copyOf(labels);
    var c = model.config();
    if (labels.size() != c.numClasses()) {
      throw new IllegalArgumentException(
          "model " + name + " has " + c.numClasses() + " classes but " + labels.size() + " labels");
    }
    if (preprocessing.size() != c.imageSize() || preprocessing.channels() != c.channels()) {
      throw new IllegalArgumentException(
          "preprocessing makes "
              + preprocessing.channels()
              + "x"
              + preprocessing.size()
              + "x"
              + preprocessing.size()
              + " inputs but model "
              + name
              + " takes "
              + c.channels()
              + "x"
              + c.imageSize()
              + "x"
              + c.imageSize());
    }
  }

  /** Floats per preprocessed image, C x S x S. */
  public int inputLength() {
    return preprocessing.channels() * preprocessing.size() * preprocessing.size();
  }

  /** The label of an output index. */
  public String label(int index) {
    return labels.get(index);
  }

  @Override
  public void close() {
    model.close();
  }
}
