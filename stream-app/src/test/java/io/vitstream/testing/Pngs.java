package io.vitstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** Reading back the charts the code writes. */
public final class Pngs {
  private Pngs() {}

  /** The decoded PNG, checked to be {@code width} x {@code height}. */
  public static BufferedImage read(Path file, int width, int height) throws IOException {
    assertThat(file).isRegularFile();
    BufferedImage img = ImageIO.read(file.toFile());
    assertThat(img).as("%s decodes", file).isNotNull();
    assertThat(img.getWidth()).isEqualTo(width);
    assertThat(img.getHeight()).isEqualTo(height);
    return img;
  }

  /** The RGB colours (no alpha) of the pixels in columns [x0, x1). */
  public static Set<Integer> colours(BufferedImage img, int x0, int x1) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = x0; x < x1; x++) {
        colours.add(img.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return colours;
  }

  /** The RGB of a colour, as {@link #colours} reports it. */
  public static int rgb(Color c) {
    return c.getRGB() & 0xFFFFFF;
  }
}
