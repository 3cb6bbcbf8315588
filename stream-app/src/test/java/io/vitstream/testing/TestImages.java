package io.vitstream.testing;

import ai.djl.Device;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.RawPixels;
import io.vitstream.image.Preprocessing;
import io.vitstream.inference.CheckpointModelProvider;
import io.vitstream.inference.ServingModel;
import io.vitstream.vit.Precision;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import javax.imageio.ImageIO;

/** Test images and the reference model fixture. */
public final class TestImages {
  private TestImages() {}

  /** The small timm ViT of the shared fixtures (28 x 28 gray, 10 classes), as a served model. */
  public static ServingModel fixtureModel() {
    Path dir = fixtureDir();
    Preprocessing fm = Preprocessing.fashionMnist();
    return new CheckpointModelProvider(
            dir, "fixture", 1, Device.cpu(), Precision.FP32, fm.mean(), fm.std())
        .load();
  }

  /** The fixture checkpoint folder: {@code <repo>/../shared/fixtures/reference-vit/timm_fmnist}. */
  public static Path fixtureDir() {
    Path repo = Path.of(System.getProperty("vitstream.repo.dir", "."));
    return repo.resolve("../shared/fixtures/reference-vit/timm_fmnist")
        .toAbsolutePath()
        .normalize();
  }

  /** A gray PNG of the given size with seeded noise. */
  public static byte[] png(int width, int height, long seed) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Random r = new Random(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.getRaster().setSample(x, y, 0, r.nextInt(256));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An event carrying encoded bytes. */
  public static ImageEvent encoded(String id, byte[] bytes) {
    return ImageEvent.newBuilder()
        .setImageId(id)
        .setEventTime(Instant.ofEpochMilli(1_000))
        .setContentType("image/png")
        .setEncoded(ByteBuffer.wrap(bytes))
        .build();
  }

  /** An event carrying raw pixels with a claimed shape. */
  public static ImageEvent pixels(String id, int height, int width, int channels, byte[] data) {
    return ImageEvent.newBuilder()
        .setImageId(id)
        .setEventTime(Instant.ofEpochMilli(1_000))
        .setPixels(new RawPixels(height, width, channels, ByteBuffer.wrap(data)))
        .build();
  }
}
