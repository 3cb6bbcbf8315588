package io.vitstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.vitstream.checkpoint.ReferenceCheck.Comparison;
import io.vitstream.testing.Fixtures;
import io.vitstream.vit.HeadType;
import io.vitstream.vit.Precision;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reference fixtures (timm and HF weights with PyTorch's activations) load and match. */
class FixtureParityTest {
  private static final double ATOL = 1e-4;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "hf_vit_cls, HF transformers, 'hidden0,hidden1,hidden2,logits,logits48'",
    "timm_fmnist, timm, 'block0,block1,embeddings,logits,norm'"
  })
  void shouldReproduceEveryReferenceActivation(String fixture, String format, String names) {
    // Given a fixture checkpoint folder
    try (LoadedCheckpoint loaded =
        Checkpoints.load(Fixtures.referenceVit(fixture), Device.cpu(), Precision.FP32)) {

      // When its activations are compared with the reference ones
      List<Comparison> results = ReferenceCheck.run(loaded.model(), Fixtures.expected(fixture));

      // Then every reference tensor was produced and is within 1e-4
      results.forEach(
          c ->
              System.out.printf(
                  "%s %-10s %-14s max|diff| %.3e%n", fixture, c.name(), c.shape(), c.maxAbsDiff()));
      assertThat(loaded.format()).isEqualTo(format);
      assertThat(loaded.model().config().headType()).isEqualTo(HeadType.LINEAR);
      assertThat(results).extracting(Comparison::name).containsExactlyInAnyOrder(names.split(","));
      assertThat(results).allSatisfy(c -> assertThat(c.within(ATOL)).as(c.toString()).isTrue());
    }
  }
}
