package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Inference with a per-batch manager frees everything a forward makes: over 1,000 forwards the
 * process RSS stays flat and the model's manager holds no more arrays than its parameters.
 *
 * <p>Each RSS sample follows a {@code System.gc()}: {@code NDManager.create(float[])} copies the
 * input into a new direct ByteBuffer (196 KiB here) that only a GC frees, so without it the RSS
 * would climb by that much per forward until the heap next collects (measured: +170 MiB of direct
 * buffers over 1,000 forwards). Those are not leaked, but they are not what this test looks for.
 */
class ForwardMemoryTest {
  private static final int BATCH = 64;

  /** Passes before the baseline; the GC at pass 50 lets the heap shrink before it. */
  private static final int WARM_UP = 100;

  private static final int PASSES = 1000;
  private static final int SAMPLE_EVERY = 50;
  private static final long RSS_BOUND_KIB = 64 * 1024;
  private static final Path STATUS = Path.of("/proc/self/status");

  private static final ViTConfig TINY =
      ViTConfig.builder()
          .imageSize(28)
          .patchSize(7)
          .channels(1)
          .width(64)
          .depth(3)
          .heads(4)
          .numClasses(10)
          .build();

  @Test
  void shouldKeepMemoryFlatOverAThousandForwardsWithAPerBatchManager() throws IOException {
    assumeThat(Files.isReadable(STATUS)).as("/proc/self/status (Linux) for the RSS").isTrue();
    // Given a tiny model and a batch of 64 images made fresh for every forward
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      BaseNDManager modelManager = (BaseNDManager) model.djlModel().getNDManager();
      int parameters = model.parameters().size();
      float[] pixels = new float[BATCH * 28 * 28];
      Random random = new Random(41);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = random.nextFloat();
      }
      Shape shape = new Shape(BATCH, 1, 28, 28);
      int arraysBefore = modelManager.getManagedArrays().size();

      // When it runs 1,000 forwards, each in its own manager, sampling RSS after the warm-up
      List<Long> rss = new ArrayList<>();
      long start = System.nanoTime();
      for (int pass = 1; pass <= PASSES; pass++) {
        try (NDManager batch = model.newBatchManager()) {
          NDArray logits = model.forward(batch.create(pixels, shape), ActivationSink.NONE);
          assertThat(logits.toFloatArray()).hasSize(BATCH * 10);
        }
        if (pass % SAMPLE_EVERY == 0) {
          // fail fast: a leak of ~100 arrays per forward reaches gigabytes within the loop
          assertThat(modelManager.getManagedArrays().size())
              .as("arrays at pass %d", pass)
              .isEqualTo(arraysBefore);
          System.gc();
          rss.add(rssKib());
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      int arraysAfter = modelManager.getManagedArrays().size();

      // Then the RSS grows by less than 64 MiB after the warm-up, and no array is left behind
      int baseline = WARM_UP / SAMPLE_EVERY - 1;
      long atWarmUp = rss.get(baseline);
      long high = Collections.max(rss.subList(baseline, rss.size()));
      System.out.printf(
          "memory: %d forwards of b%d in %.1f s; RSS after GC (KiB): %s; growth after pass %d:"
              + " %,d KiB (bound %,d); model-manager arrays %d before, %d after (%d"
              + " parameters)%n",
          PASSES,
          BATCH,
          seconds,
          rss,
          WARM_UP,
          high - atWarmUp,
          RSS_BOUND_KIB,
          arraysBefore,
          arraysAfter,
          parameters);
      assertThat(high - atWarmUp).isLessThan(RSS_BOUND_KIB);
      assertThat(arraysAfter).isEqualTo(arraysBefore);

      // And the count would have seen a leak: an input made in the model's own manager stays
      model.forward(modelManager.create(pixels, shape), ActivationSink.NONE);
      assertThat(modelManager.getManagedArrays().size()).isGreaterThan(arraysAfter + 1);
    }
  }

  private static long rssKib() throws IOException {
    for (String line : Files.readAllLines(STATUS)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in " + STATUS);
  }
}
