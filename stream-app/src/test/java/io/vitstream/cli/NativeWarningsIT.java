package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.bench.AppChild;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.Split;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch writes its warnings to the process's own stderr, past any Java logger, so only a child
 * process shows them. Classifying one image with the shipped hybrid runs every kind of convolution
 * it has (7x7, 3x3, strided and 1x1) at a batch of one: on a CPU where NNPACK cannot start, each of
 * them used to log "Could not initialize NNPACK!" (five lines for one image on this project's
 * machines), and a routed version serving one image at a time logged two per image.
 */
class NativeWarningsIT {
  @Test
  @Timeout(120)
  void shouldClassifyOneImageWithTheHybridWithoutNativeWarnings(@TempDir Path dir)
      throws Exception {
    Path png =
        ClassifyCommandTest.writePng(
            FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST), 0, dir);
    Path err = dir.resolve("stderr.txt");
    Process p =
        AppChild.cliProcess(
                dir,
                List.of(),
                "classify",
                "--model",
                "fashion-mnist-hybrid",
                "--store",
                CliRun.shippedStore().toAbsolutePath().toString(),
                png.toString())
            .redirectError(err.toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();

    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as(stderr).isZero();
    assertThat(out).startsWith(png + ": Ankle boot ");
    assertThat(stderr.lines().filter(l -> l.contains("NNPACK"))).as(stderr).isEmpty();
  }
}
