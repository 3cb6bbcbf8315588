package io.vitstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The drift suite on real Fashion-MNIST test images. */
class DriftTest {
  private static LabeledImages images;

  @BeforeAll
  static void load() {
    images = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST).slice(0, 200);
  }

  @ParameterizedTest
  @EnumSource(Drift.class)
  void shouldChangeEveryImageAndKeepLabelsAndShape(Drift drift) {
    // When
    LabeledImages out = drift.apply(images, 1);

    // Then
    assertThat(out.count()).isEqualTo(images.count());
    assertThat(out.sameShape(images)).isTrue();
    assertThat(out.labels()).isEqualTo(images.labels());
    for (int i = 0; i < images.count(); i++) {
      assertThat(image(out, i)).as("image %d", i).isNotEqualTo(image(images, i));
    }
  }

  @ParameterizedTest
  @EnumSource(Drift.class)
  void shouldGiveTheSameImagesForTheSameSeedWhateverTheBatch(Drift drift) {
    // When the whole set and one slice of it are transformed with seed 7
    LabeledImages whole = drift.apply(images, 7);
    LabeledImages slice = drift.apply(images.slice(50, 120), 7, 50);

    // Then they agree, and a second run agrees too
    assertThat(slice.pixels()).isEqualTo(whole.slice(50, 120).pixels());
    assertThat(drift.apply(images, 7).pixels()).isEqualTo(whole.pixels());
  }

  @ParameterizedTest
  @EnumSource(
      value = Drift.class,
      names = {"SHOT_NOISE", "MOTION_BLUR", "SHEAR", "FOG"})
  void shouldDrawDifferentImagesForAnotherSeed(Drift drift) {
    assertThat(drift.apply(images, 2).pixels()).isNotEqualTo(drift.apply(images, 1).pixels());
  }

  @ParameterizedTest
  @EnumSource(
      value = Drift.class,
      names = {"INVERT", "ROTATE", "BRIGHTNESS", "CONTRAST", "STRIPE"})
  void shouldIgnoreTheSeedWhenNotRandom(Drift drift) {
    assertThat(drift.apply(images, 2).pixels()).isEqualTo(drift.apply(images, 1).pixels());
  }

  @Test
  void shouldInvertAndRotateAsBefore() {
    // When
    LabeledImages inverted = Drift.INVERT.apply(images);
    LabeledImages rotated = Drift.ROTATE.apply(images);

    // Then 255 - p, and out(y, x) = in(27 - x, y)
    for (int i = 0; i < 5; i++) {
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          assertThat(inverted.pixel(i, y, x)).isEqualTo(255 - images.pixel(i, y, x));
          assertThat(rotated.pixel(i, y, x)).isEqualTo(images.pixel(i, 27 - x, y));
        }
      }
    }
  }

  @Test
  void shouldRaiseTheMeanWithBrightnessAndLowerTheSpreadWithContrast() {
    assertThat(mean(Drift.BRIGHTNESS.apply(images))).isGreaterThan(mean(images) + 40);
    assertThat(std(Drift.CONTRAST.apply(images))).isLessThan(0.4 * std(images));
    assertThat(std(Drift.CONTRAST.apply(images))).isGreaterThan(0.2 * std(images));
  }

  @Test
  void shouldBlurAlongRoughlyHorizontalLines() {
    assertThat(horizontalGradient(Drift.MOTION_BLUR.apply(images, 1)))
        .isLessThan(0.7 * horizontalGradient(images));
  }

  @Test
  void shouldKeepTheMeanButAddNoiseWithShotNoise() {
    LabeledImages noisy = Drift.SHOT_NOISE.apply(images, 1);
    // (bright pixels lose a little to the clip at 255)
    assertThat(mean(noisy)).isCloseTo(mean(images), offset(6.0));
    assertThat(horizontalGradient(noisy)).isGreaterThan(1.2 * horizontalGradient(images));
  }

  @Test
  void shouldMoveTheTopAndBottomRowsApartWithShear() {
    // Given each image's horizontal centre of mass in its top and bottom thirds
    LabeledImages sheared = Drift.SHEAR.apply(images, 1);
    double moved = 0;
    for (int i = 0; i < images.count(); i++) {
      double before = centroidX(images, i, 0, 9) - centroidX(images, i, 19, 28);
      double after = centroidX(sheared, i, 0, 9) - centroidX(sheared, i, 19, 28);
      moved += Math.abs(after - before);
    }

    // Then the thirds moved apart by several pixels on average (tan 0.4 * 19 rows is 8)
    assertThat(moved / images.count()).isGreaterThan(3);
  }

  @Test
  void shouldClipInsteadOfWrapping() {
    // Given a white and a mid-gray image
    byte[] pixels = new byte[2 * 28 * 28];
    Arrays.fill(pixels, 0, 28 * 28, (byte) 255);
    Arrays.fill(pixels, 28 * 28, pixels.length, (byte) 128);
    LabeledImages flat = new LabeledImages(2, 28, 28, pixels, new byte[2]);

    // Then brightening white stays white, and noise on gray keeps its mean (no wrap-around)
    LabeledImages bright = Drift.BRIGHTNESS.apply(flat);
    assertThat(bright.pixel(0, 14, 14)).isEqualTo(255);
    assertThat(bright.pixel(1, 14, 14)).isEqualTo(128 + 77);
    LabeledImages noisy = Drift.SHOT_NOISE.apply(flat.slice(1, 2));
    assertThat(mean(noisy)).isCloseTo(128, offset(8.0));
  }

  @ParameterizedTest
  @EnumSource(value = Drift.class, mode = EnumSource.Mode.EXCLUDE, names = "SHOT_NOISE")
  void shouldTreatEachChannelOfAnRgbImageLikeAGrayOne(Drift drift) {
    // Given the gray images as RGB with three equal channels
    byte[] rgb = new byte[images.pixels().length * 3];
    for (int p = 0; p < images.pixels().length; p++) {
      Arrays.fill(rgb, 3 * p, 3 * p + 3, images.pixels()[p]);
    }
    LabeledImages colour = new LabeledImages(200, 28, 28, 3, rgb, images.labels());

    // When
    LabeledImages gray = drift.apply(images, 3);
    LabeledImages out = drift.apply(colour, 3);

    // Then every channel is the gray result
    assertThat(out.channels()).isEqualTo(3);
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < gray.pixels().length; p += 97) {
        assertThat(out.pixels()[3 * p + c])
            .as("pixel %d channel %d", p, c)
            .isEqualTo(gray.pixels()[p]);
      }
    }
  }

  @Test
  void shouldNameDriftsInKebabCaseAndListThemForAnUnknownName() {
    assertThat(Drift.fromName("shot-noise")).isEqualTo(Drift.SHOT_NOISE);
    assertThat(Drift.fromName("Motion-Blur")).isEqualTo(Drift.MOTION_BLUR);
    assertThat(Drift.names()).contains("invert", "rotate", "brightness", "contrast", "shear");
    assertThatThrownBy(() -> Drift.fromName("shot_noise"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown drift 'shot_noise'")
        .hasMessageContaining(String.join(", ", Drift.names()));
  }

  @Test
  void shouldMakeAPlasmaInTheUnitRangeThatDependsOnTheGenerator() {
    double[][] a = Plasma.fractal(64, 2.0, new SplittableRandom(1));
    double[][] b = Plasma.fractal(64, 2.0, new SplittableRandom(2));
    double min = Arrays.stream(a).flatMapToDouble(Arrays::stream).min().orElseThrow();
    double max = Arrays.stream(a).flatMapToDouble(Arrays::stream).max().orElseThrow();
    assertThat(min).isEqualTo(0.0);
    assertThat(max).isEqualTo(1.0);
    assertThat(a).isNotEqualTo(b);
    assertThat(Plasma.fractal(64, 2.0, new SplittableRandom(1))).isEqualTo(a);
  }

  private static byte[] image(LabeledImages data, int i) {
    int n = data.imageLength();
    return Arrays.copyOfRange(data.pixels(), i * n, (i + 1) * n);
  }

  private static double mean(LabeledImages data) {
    double sum = 0;
    for (byte b : data.pixels()) {
      sum += b & 0xFF;
    }
    return sum / data.pixels().length;
  }

  /** The mean over images of each image's standard deviation. */
  private static double std(LabeledImages data) {
    double sum = 0;
    for (int i = 0; i < data.count(); i++) {
      LabeledImages one = data.slice(i, i + 1);
      double m = mean(one);
      double squares = 0;
      for (byte b : one.pixels()) {
        squares += ((b & 0xFF) - m) * ((b & 0xFF) - m);
      }
      sum += Math.sqrt(squares / one.pixels().length);
    }
    return sum / data.count();
  }

  private static double horizontalGradient(LabeledImages data) {
    double sum = 0;
    for (int i = 0; i < data.count(); i++) {
      for (int y = 0; y < 28; y++) {
        for (int x = 1; x < 28; x++) {
          sum += Math.abs(data.pixel(i, y, x) - data.pixel(i, y, x - 1));
        }
      }
    }
    return sum / (data.count() * 28 * 27.0);
  }

  private static double centroidX(LabeledImages data, int i, int fromRow, int toRow) {
    double mass = 0;
    double moment = 0;
    for (int y = fromRow; y < toRow; y++) {
      for (int x = 0; x < 28; x++) {
        mass += data.pixel(i, y, x);
        moment += x * data.pixel(i, y, x);
      }
    }
    return mass == 0 ? 13.5 : moment / mass;
  }
}
