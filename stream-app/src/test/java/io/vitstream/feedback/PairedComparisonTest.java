package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PairedComparisonTest {
  @Test
  void shouldReproduceThePublishedNewcombeIntervalOfAPairedTable() {
    // Given Cavo et al. (2012) as in Fagerland, Lydersen & Laake (2014), chapter 8: 59 both, 6
    // first only, 16 second only, 80 neither; the first measurement is our candidate
    var cavo = new PairedComparison(59, 16, 6, 80);

    // When the difference and its Newcombe square-and-add (hybrid score) interval are computed
    PairedComparison.Interval ci = cavo.differenceInterval();

    // Then they match the book's -0.0621 (95% CI -0.1186 to -0.0046)
    assertThat(cavo.n()).isEqualTo(161);
    assertThat(cavo.difference()).isCloseTo(-0.0621, within(5e-5));
    assertThat(ci.low()).isCloseTo(-0.1186, within(5e-5));
    assertThat(ci.high()).isCloseTo(-0.0046, within(5e-5));
  }

  @ParameterizedTest
  @CsvSource({
    // b, c, exact two-sided p (binomial tails, computed with exact integers)
    "12, 2, 0.012939453125", // Armitage & Berry's media comparison: StatsDirect's exact P = 0.0129
    "0, 10, 0.001953125",
    "60, 40, 0.05688793364098079",
    "1000, 1100, 0.030720707864242296",
    "2300, 2000, 5.079935568924032e-06",
    "5, 5, 1",
    "4, 5, 1"
  })
  void shouldGiveMcNemarsExactTwoSidedP(int b, int c, double p) {
    var table = new PairedComparison(100, b, c, 100);

    assertThat(table.mcNemarP()).isCloseTo(p, within(p * 1e-9));
  }

  @Test
  void shouldKeepMcNemarsPInLogSpaceWhereItUnderflows() {
    // Given discordant counts in the thousands, all on one side
    var landslide = new PairedComparison(0, 0, 5000, 0);
    var lopsided = new PairedComparison(100, 3, 292, 17);

    // Then the p-value is exact in log10 (2 * 2^-5000 is far below the smallest double)
    assertThat(landslide.mcNemarLog10P()).isCloseTo(-1504.848948324242, within(1e-9));
    assertThat(landslide.mcNemarP()).isZero();
    assertThat(landslide.formatP()).isEqualTo("1e-1505");
    assertThat(lopsided.mcNemarLog10P()).isCloseTo(-81.87147887459867, within(1e-9));
    assertThat(lopsided.formatP()).isEqualTo("1e-82");
    assertThat(new PairedComparison(100, 40, 50, 10).formatP()).isEqualTo("0.343");
  }

  @Test
  void shouldGiveASymmetricIntervalAndPOfOneWhenTheModelsNeverDisagree() {
    // Given ten images both models classify right, and ten both get wrong
    var right = new PairedComparison(10, 0, 0, 0);
    var wrong = new PairedComparison(0, 0, 0, 10);

    // Then the difference is 0, not significant, and its interval is the Wilson width at 10/10
    double half = 1 - 10 / (10 + PairedComparison.Z95 * PairedComparison.Z95);
    for (var t : new PairedComparison[] {right, wrong}) {
      assertThat(t.difference()).isZero();
      assertThat(t.mcNemarP()).isEqualTo(1.0);
      assertThat(t.differenceInterval().low()).isCloseTo(-half, within(1e-12));
      assertThat(t.differenceInterval().high()).isCloseTo(half, within(1e-12));
    }
  }

  @Test
  void shouldKeepEveryIntervalOfEverySmallTableWithinBoundsAndAroundTheEstimate() {
    // Given every paired table of 1 to 6 images
    for (int n = 1; n <= 6; n++) {
      for (int a = 0; a <= n; a++) {
        for (int b = 0; a + b <= n; b++) {
          for (int c = 0; a + b + c <= n; c++) {
            var t = new PairedComparison(a, b, c, n - a - b - c);

            // Then the interval lies in [-1, 1], holds the estimate, and is not a point
            PairedComparison.Interval ci = t.differenceInterval();
            assertThat(ci.low()).as("%s", t).isBetween(-1.0, t.difference());
            assertThat(ci.high()).as("%s", t).isBetween(t.difference(), 1.0);
            assertThat(ci.high() - ci.low()).as("%s", t).isGreaterThan(0.1);
            assertThat(t.mcNemarP()).as("%s", t).isBetween(0.0, 1.0);
          }
        }
      }
    }
  }

  @Test
  void shouldPairTwoModelsImageByImage() {
    // Given which of 6 images each model classified right
    BitSet champion = BitSet.valueOf(new long[] {0b001011});
    BitSet candidate = BitSet.valueOf(new long[] {0b010110});

    // When they are paired
    var t = PairedComparison.of(champion, candidate, 6);

    // Then image 1 is both right, 0 and 3 champion only, 2 and 4 candidate only, 5 neither
    assertThat(t).isEqualTo(new PairedComparison(1, 2, 2, 1));
    assertThat(t.championAccuracy()).isEqualTo(0.5);
    assertThat(t.candidateAccuracy()).isEqualTo(0.5);
  }

  @Test
  void shouldReportNothingButNaNForNoImages() {
    var empty = new PairedComparison(0, 0, 0, 0);

    assertThat(empty.difference()).isNaN();
    assertThat(empty.differenceInterval().low()).isNaN();
    assertThat(empty.mcNemarP()).isEqualTo(1.0);
    assertThatThrownBy(() -> new PairedComparison(-1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
