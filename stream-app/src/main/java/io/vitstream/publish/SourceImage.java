package io.vitstream.publish;

import io.vitstream.image.RawImage;
import java.util.Optional;

/**
 * One image to publish.
 *
 * @param id the image id (record key)
 * @param encoded PNG or JPEG bytes, or empty when {@code pixels} is set
 * @param pixels raw pixels, or empty when {@code encoded} is set
 * @param label the true class (name or index as text), when known
 */
public record SourceImage(
    String id, Optional<byte[]> encoded, Optional<RawImage> pixels, Optional<String> label) {
  public SourceImage {
    if (encoded.isPresent() == pixels.isPresent()) {
      throw new IllegalArgumentException("an image has either encoded bytes or pixels");
    }
  }

  public static SourceImage encoded(String id, byte[] bytes, Optional<String> label) {
    return new SourceImage(id, Optional.of(bytes), Optional.empty(), label);
  }

  public static SourceImage pixels(String id, RawImage pixels, Optional<String> label) {
    return new SourceImage(id, Optional.empty(), Optional.of(pixels), label);
  }
}
