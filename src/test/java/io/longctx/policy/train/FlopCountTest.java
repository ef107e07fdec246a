package io.longctx.policy.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.model.Qwen2Config;
import org.junit.jupiter.api.Test;

class FlopCountTest {
  @Test
  void countsProjectionsHeadAndCausalAttentionOfTheGoldenShape() {
    FlopCount f = FlopCount.of(Qwen2Config.read(Golden.MODEL_DIR));
    // hidden 64, 4 heads x 16, 2 kv heads, intermediate 176, 2 layers, vocab 384
    assertThat(f.linearParams()).isEqualTo(2L * (64 * 64 + 2 * 64 * 32 + 64 * 64 + 3 * 64 * 176));
    assertThat(f.headParams()).isEqualTo(384L * 64);
    // 10 causal queries see 1 + 2 + ... + 10 = 55 keys; QK^T and AV are 2 FLOPs per multiply-add each
    assertThat(f.prefill(10)).isEqualTo(2.0 * (92160 + 24576) * 10 + 4.0 * 2 * 64 * 55);
    assertThat(f.decodeToken(9)).isEqualTo(2.0 * (92160 + 24576) + 4.0 * 2 * 64 * 10);
    // decoding token by token costs what a prefill costs
    double sum = 0;
    for (int i = 0; i < 10; i++) {
      sum += f.decodeToken(i);
    }
    assertThat(sum).isEqualTo(f.prefill(10));
    assertThat(f.trainSequence(10, 4))
        .isEqualTo(3 * (2.0 * 92160 * 10 + 2.0 * 24576 * 4 + 4.0 * 2 * 64 * 55));
  }
}
