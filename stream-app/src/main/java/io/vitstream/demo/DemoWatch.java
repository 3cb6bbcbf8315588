package io.vitstream.demo;

import io.vitstream.app.AppConfig;
import io.vitstream.publish.SourceImage;
import java.util.List;

/** Watches a demo's topics while it runs, such as the live dashboard's feed. */
@FunctionalInterface
public interface DemoWatch {
  /** Watches nothing. */
  DemoWatch NONE = (c, images, driftAt) -> () -> {};

  /**
   * Starts watching, once the app has created its topics; the demo closes the handle before the
   * broker stops.
   *
   * @param c the config with the embedded broker's address
   * @param images what the demo publishes, in order, with their true labels where known
   * @param driftAt index of the first transformed image; {@code images.size()} when none is
   */
  AutoCloseable open(AppConfig c, List<SourceImage> images, int driftAt) throws Exception;
}
