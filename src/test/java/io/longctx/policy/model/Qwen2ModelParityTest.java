package io.longctx.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.Test;

/** Forward-pass parity with the transformers reference on qwen2-tiny-a. */
class Qwen2ModelParityTest extends GoldenModelTest {
  @Test
  void configParsedFromRopeParameters() {
    Qwen2Config c = model.config();
    assertThat(c.ropeTheta()).isEqualTo(1_000_000.0);
    assertThat(c.headDim()).isEqualTo(16);
    assertThat(c.groupSize()).isEqualTo(2);
    assertThat(c.tieWordEmbeddings()).isTrue();
    assertThat(model.parameters()).hasSize(1 + 2 * 12 + 1).containsKey("model.layers.1.self_attn.v_proj.bias");
  }

  @Test
  void forwardLogitsMatchReference() {
    NDArray ids = Golden.tensor("forward_input_ids", m);
    NDArray expected = Golden.tensor("forward_logits", m);
    NDArray logits = model.forward(ids);
    assertThat(logits.getShape()).isEqualTo(expected.getShape());
    assertThat(Golden.maxAbsDiff(logits, expected)).isLessThanOrEqualTo(1e-4f);
    assertThat(logits.getManager()).isSameAs(m);
  }

  @Test
  void chunkedAttentionMatchesReference() {
    NDArray ids = Golden.tensor("forward_input_ids", m);
    NDArray expected = Golden.tensor("forward_logits", m);
    int before = model.attentionChunk();
    try {
      for (int chunk : new int[] {1, 5, 16, 47}) {
        model.setAttentionChunk(chunk);
        assertThat(Golden.maxAbsDiff(model.forward(ids), expected)).as("chunk %d", chunk).isLessThanOrEqualTo(1e-4f);
      }
    } finally {
      model.setAttentionChunk(before);
    }
  }

  @Test
  void responseLogProbsMatchReference() {
    NDArray seq = Golden.tensor("grpo_sequences", m);
    NDArray expected = Golden.tensor("grpo_logprobs", m);
    NDArray logp = model.forward(seq).logSoftmax(-1);
    // log p(token t | prefix) for the 12 response tokens at positions 20..31, predicted at 19..30
    NDArray predicted = logp.get(new NDIndex(":, 19:31, :"));
    NDArray targets = seq.get(new NDIndex(":, 20:32")).toType(ai.djl.ndarray.types.DataType.INT64, false);
    NDArray got = predicted.gather(targets.expandDims(2), 2).squeeze(2);
    assertThat(Golden.maxAbsDiff(got, expected)).isLessThanOrEqualTo(1e-4f);
  }
}
