package io.vitstream.checkpoint;

import io.vitstream.vit.VitModel;
import java.util.List;

/**
 * A model loaded from a checkpoint folder. Closing it closes the model.
 *
 * @param model the loaded model, owned by this value
 * @param labels class names by index, or empty
 * @param format the library that wrote the checkpoint
 */
public record LoadedCheckpoint(VitModel model, List<String> labels, String format)
    implements AutoCloseable {
  @Override
  public void close() {
    model.close();
  }
}
