package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MiddleTruncationTest {

  private static int[] range(int n) {
    return IntStream.range(0, n).toArray();
  }

  @Test
  void fitsUnchangedAtAndBelowTheCap() {
    int[] ids = range(10);
    assertThat(MiddleTruncation.truncate(ids, 10)).isSameAs(ids);
    assertThat(MiddleTruncation.truncate(ids, 11)).isSameAs(ids);
  }

  @Test
  void keepsHeadFloorHalfAndTailCeilHalfLikeThePythonSlices() {
    // ids[:max//2] + ids[-max//2:] with max = 4: first 2 and last 2
    assertThat(MiddleTruncation.truncate(range(10), 4)).containsExactly(0, 1, 8, 9);
    // max = 5: -5//2 == -3 in Python, so first 2 and last 3
    assertThat(MiddleTruncation.truncate(range(10), 5)).containsExactly(0, 1, 7, 8, 9);
    // one over the cap drops exactly the middle token
    assertThat(MiddleTruncation.truncate(range(11), 10)).containsExactly(0, 1, 2, 3, 4, 6, 7, 8, 9, 10);
    assertThat(MiddleTruncation.truncate(range(3), 1)).containsExactly(2);
  }
}
