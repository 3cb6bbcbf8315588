package io.vitstream.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG bytes into {@link RawImage}s within limits. The header's dimensions are
 * checked before any pixel is decoded, so a decompression bomb costs nothing.
 */
public final class ImageDecoder {
  private final int maxBytes;
  private final int maxSide;

  /**
   * @param maxBytes the largest accepted payload
   * @param maxSide the largest accepted width or height, as the header claims it
   */
  public ImageDecoder(int maxBytes, int maxSide) {
    if (maxBytes <= 0 || maxSide <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxBytes = maxBytes;
    this.maxSide = maxSide;
  }

  /** Limits that fit every image a ViT here would see: 8 MiB and 4096 pixels a side. */
  public static ImageDecoder withDefaultLimits() {
    return new ImageDecoder(8 << 20, 4096);
  }

  /**
   * Decodes an encoded image to gray (1 channel) or RGB (3 channels); alpha is dropped.
   *
   * @throws BadImageException with the reason: empty, too large, not an image, or too many pixels
   */
  public RawImage decode(byte[] bytes) {
    checkSize(bytes.length);
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new BadImageException("undecodable: not a PNG or JPEG image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w > maxSide || h > maxSide) {
          throw new BadImageException(
              "image header claims " + w + "x" + h + " pixels, over the limit of " + maxSide);
        }
        return toRaw(reader.read(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof BadImageException bad) {
        throw bad;
      }
      throw new BadImageException("undecodable image: " + e.getMessage());
    }
  }

  /**
   * Checks a payload's size.
   *
   * @throws BadImageException when it is empty or over the limit
   */
  public void checkSize(int length) {
    if (length == 0) {
      throw new BadImageException("empty payload");
    }
    if (length > maxBytes) {
      throw new BadImageException(
          "payload of " + length + " B is over the limit of " + maxBytes + " B");
    }
  }

  /** Checks claimed raw dimensions against the limit. */
  public void checkDimensions(int height, int width) {
    if (height > maxSide || width > maxSide) {
      throw new BadImageException(
          "image claims " + width + "x" + height + " pixels, over the limit of " + maxSide);
    }
  }

  private static RawImage toRaw(BufferedImage img) {
    int h = img.getHeight();
    int w = img.getWidth();
    boolean gray =
        img.getType() == BufferedImage.TYPE_BYTE_GRAY
            || img.getColorModel().getNumColorComponents() == 1;
    int c = gray ? 1 : 3;
    byte[] px = new byte[h * w * c];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * c;
        if (gray) {
          px[i] = (byte) img.getRaster().getSample(x, y, 0);
        } else {
          int rgb = img.getRGB(x, y);
          px[i] = (byte) (rgb >> 16);
          px[i + 1] = (byte) (rgb >> 8);
          px[i + 2] = (byte) rgb;
        }
      }
    }
    return new RawImage(h, w, c, px);
  }
}
