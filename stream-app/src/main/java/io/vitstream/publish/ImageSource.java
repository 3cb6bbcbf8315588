package io.vitstream.publish;

import java.io.IOException;
import java.util.List;

/** Where published images come from: files and folders, or a data set. */
@FunctionalInterface
public interface ImageSource {
  /**
   * Reads up to {@code limit} images, in a stable order.
   *
   * @throws IOException when the source cannot be read
   */
  List<SourceImage> read(int limit) throws IOException;
}
