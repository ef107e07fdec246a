package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class PassAtKTest {

  @Test
  void handComputedCases() {
    // n=5, c=2, k=1: 1 - C(3,1)/C(5,1) = 1 - 3/5 = 0.4
    assertThat(PassAtK.estimate(5, 2, 1)).isCloseTo(0.4, within(1e-12));
    // n=5, c=2, k=2: 1 - C(3,2)/C(5,2) = 1 - 3/10 = 0.7
    assertThat(PassAtK.estimate(5, 2, 2)).isCloseTo(0.7, within(1e-12));
    // n=5, c=2, k=3: 1 - C(3,3)/C(5,3) = 1 - 1/10 = 0.9
    assertThat(PassAtK.estimate(5, 2, 3)).isCloseTo(0.9, within(1e-12));
    // n=5, c=2, k=4: n-c=3 < 4, so every 4-subset holds a correct sample
    assertThat(PassAtK.estimate(5, 2, 4)).isEqualTo(1.0);
    // n=10, c=3, k=5: 1 - C(7,5)/C(10,5) = 1 - 21/252 = 11/12
    assertThat(PassAtK.estimate(10, 3, 5)).isCloseTo(11.0 / 12.0, within(1e-12));
    // no correct sample: 0; all correct: 1; k = 1 is the fraction correct
    assertThat(PassAtK.estimate(8, 0, 3)).isEqualTo(0.0);
    assertThat(PassAtK.estimate(8, 8, 3)).isEqualTo(1.0);
    assertThat(PassAtK.estimate(16, 5, 1)).isCloseTo(5.0 / 16, within(1e-12));
    // k = n: 1 if any sample is correct
    assertThat(PassAtK.estimate(4, 1, 4)).isEqualTo(1.0);
  }

  @Test
  void stableForLargeNAgainstExactBinomials() {
    int n = 200;
    for (int c : new int[] {1, 7, 50, 150}) {
      for (int k : new int[] {1, 10, 100}) {
        double exact = n - c < k ? 1.0 : 1.0 - ratio(binom(n - c, k), binom(n, k));
        assertThat(PassAtK.estimate(n, c, k)).as("n=%d c=%d k=%d", n, c, k).isCloseTo(exact, within(1e-12));
      }
    }
  }

  @Test
  void rejectsImpossibleArguments() {
    assertThatThrownBy(() -> PassAtK.estimate(3, 4, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PassAtK.estimate(3, 1, 4)).hasMessageContaining("k <= n");
    assertThatThrownBy(() -> PassAtK.estimate(3, 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static BigInteger binom(int n, int k) {
    BigInteger r = BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return r;
  }

  private static double ratio(BigInteger a, BigInteger b) {
    return new java.math.BigDecimal(a).divide(new java.math.BigDecimal(b), java.math.MathContext.DECIMAL128)
        .doubleValue();
  }
}
