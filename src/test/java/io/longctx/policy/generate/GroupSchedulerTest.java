package io.longctx.policy.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.PolicyException;
import io.longctx.policy.model.Golden;
import io.longctx.policy.model.GoldenModelTest;
import io.longctx.policy.model.KvCache;
import io.longctx.policy.model.RowKvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Continuous batching with shared-prefix prefill on the golden model: the same responses as one batch per group,
 * whatever the row budget, each prompt prefilled once, and row-cache logits equal to a full forward pass.
 */
class GroupSchedulerTest extends GoldenModelTest {
  private List<GroupRequest> groups(int count, int samples) {
    int[] base = Golden.tensor("greedy_prompt", m).toIntArray();
    Random rnd = new Random(3);
    List<GroupRequest> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int from = rnd.nextInt(base.length / 2);
      int to = from + 3 + rnd.nextInt(base.length - from - 3);
      out.add(new GroupRequest(Arrays.copyOfRange(base, from, to), samples, 1000L + i));
    }
    return out;
  }

  private static GenerationConfig sampling(long seed, int... stopIds) {
    return GenerationConfig.builder().setMaxNewTokens(12).optTemperature(0.7).optTopP(0.95).optSeed(seed)
        .optStopTokenIds(stopIds).build();
  }

  /** Ids the golden model often samples first, so that some sequences stop early and rows leave the batch. */
  private int[] frequentIds(List<GroupRequest> groups) {
    List<Generation> probe = new Generator(model).generate(List.of(groups.get(0).promptIds()), sampling(1));
    return new int[] {probe.get(0).tokenIds()[1], probe.get(0).tokenIds()[3]};
  }

  @Test
  void sameResponsesAsOneBatchPerGroupWithCopiesOfThePrompt() {
    List<GroupRequest> groups = groups(5, 4);
    int[] stops = frequentIds(groups);
    List<List<Generation>> scheduled = new GroupScheduler(model, 8).generate(groups, sampling(0, stops));
    Generator perGroup = new Generator(model);
    int stoppedEarly = 0;
    for (int i = 0; i < groups.size(); i++) {
      GroupRequest g = groups.get(i);
      List<Generation> expected = perGroup.generate(
          java.util.Collections.nCopies(g.samples(), g.promptIds()), sampling(g.seed(), stops));
      assertGenerationsEqual(scheduled.get(i), expected, "group " + i);
      stoppedEarly += (int) expected.stream().filter(x -> x.finishReason() == FinishReason.STOP).count();
    }
    assertThat(stoppedEarly).as("some rows leave early").isPositive();
  }

  @Test
  void rowBudgetDoesNotChangeResponsesAndEachPromptIsPrefilledOnce() {
    List<GroupRequest> groups = groups(9, 8);
    int[] stops = frequentIds(groups);
    GroupScheduler eight = new GroupScheduler(model, 8);
    List<List<Generation>> reference = eight.generate(groups, sampling(0, stops));
    long promptTokens = groups.stream().mapToLong(g -> g.promptIds().length).sum();
    assertThat(eight.stats().prefillTokens()).isEqualTo(promptTokens);
    assertThat(eight.stats().sequences()).isEqualTo(72);
    for (int budget : new int[] {32, 128}) {
      GroupScheduler s = new GroupScheduler(model, budget);
      List<List<Generation>> got = s.generate(groups, sampling(0, stops));
      for (int i = 0; i < groups.size(); i++) {
        assertGenerationsEqual(got.get(i), reference.get(i), "budget " + budget + " group " + i);
      }
      assertThat(s.stats().prefillTokens()).isEqualTo(promptTokens);
      assertThat(s.stats().decodeSteps()).as("more rows per step, fewer steps").isLessThan(eight.stats().decodeSteps());
    }
  }

  @Test
  void greedyGroupsEqualGreedyGeneration() {
    List<GroupRequest> groups = groups(3, 2);
    GenerationConfig greedy = GenerationConfig.builder().setMaxNewTokens(10).optGreedy(true).build();
    List<List<Generation>> got = new GroupScheduler(model, 4).generate(groups, greedy);
    for (int i = 0; i < groups.size(); i++) {
      Generation one = new Generator(model).generate(List.of(groups.get(i).promptIds()), greedy).get(0);
      for (Generation g : got.get(i)) {
        assertThat(g.tokenIds()).containsExactly(one.tokenIds());
      }
    }
  }

  @Test
  void rowCacheLogitsEqualFullForwardPasses() {
    // one attention kernel on both sides (FusedAttentionTest compares the fused kernel with the chunked one)
    model.setFusedAttention(false);
    try {
      checkRowCacheLogits();
    } finally {
      model.setFusedAttention(true);
    }
  }

  private void checkRowCacheLogits() {
    int[] base = Golden.tensor("greedy_prompt", m).toIntArray();
    int[][] prompts = {Arrays.copyOf(base, 21), Arrays.copyOfRange(base, 4, 11)};
    Random rnd = new Random(9);
    int vocab = model.config().vocabSize();
    try (RowKvCache rows = model.newRowCache(5, 40, m)) {
      // slots 0, 2, 4 share prompt 0's single prefill; slot 1 holds prompt 1; slot 3 stays free
      int[][] slotPrompt = {prompts[0], prompts[1], prompts[0], null, prompts[0]};
      fill(rows, prompts[0], new int[] {0, 2, 4});
      fill(rows, prompts[1], new int[] {1});
      List<List<Integer>> fed = new ArrayList<>();
      for (int s = 0; s < 5; s++) {
        fed.add(new ArrayList<>());
      }
      double worst = 0;
      double scale = 1;
      for (int step = 0; step < 6; step++) {
        int[] ids = new int[5];
        for (int s = 0; s < 5; s++) {
          ids[s] = rnd.nextInt(vocab);
          if (slotPrompt[s] != null) {
            fed.get(s).add(ids[s]);
          }
        }
        NDArray logits = model.decode(m.create(ids), rows);
        for (int s = 0; s < 5; s++) {
          if (slotPrompt[s] == null) {
            continue;
          }
          int[] seq = concat(slotPrompt[s], fed.get(s));
          NDArray full = model.forward(m.create(seq, new Shape(1, seq.length))).get(0, seq.length - 1);
          worst = Math.max(worst, logits.get(s).sub(full).abs().max().getFloat());
          scale = Math.max(scale, full.abs().max().getFloat());
        }
      }
      // float32 rounding of two summation orders: within 1e-5 of the largest logit
      assertThat(worst / scale).as("max abs logit difference %s over max |logit| %s", worst, scale).isLessThan(1e-5);
      assertThat(rows.length(3)).isZero();
      assertThat(rows.length(1)).isEqualTo(prompts[1].length + 6);
    }
  }

  @Test
  void droppingFreeSlotsKeepsTheOthers() {
    int[] base = Golden.tensor("greedy_prompt", m).toIntArray();
    try (RowKvCache rows = model.newRowCache(3, 30, m)) {
      fill(rows, Arrays.copyOf(base, 9), new int[] {0, 1, 2});
      NDArray before = model.decode(m.create(new int[] {5, 6, 7}), rows);
      rows.release(1);
      rows.keepSlots(new int[] {2, 0});
      NDArray after = model.decode(m.create(new int[] {8, 9}), rows);
      int[] seq2 = concat(Arrays.copyOf(base, 9), List.of(7, 8));
      NDArray full = model.forward(m.create(seq2, new Shape(1, seq2.length))).get(0, seq2.length - 1);
      assertThat(after.get(0).sub(full).abs().max().getFloat()).isLessThan(1e-5f);
      assertThat(before.getShape().get(0)).isEqualTo(3);
      assertThat(rows.slots()).isEqualTo(2);
    }
  }

  @Test
  void aGroupLargerThanTheRowBudgetIsABadRequest() {
    assertThatThrownBy(() -> new GroupScheduler(model, 4).generate(groups(1, 8), sampling(0)))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("more than the row budget of 4");
  }

  private void fill(RowKvCache rows, int[] prompt, int[] slots) {
    try (NDManager pm = m.newSubManager(); KvCache prefix = model.newCache(1, prompt.length, pm)) {
      model.hiddenStates(pm.create(prompt, new Shape(1, prompt.length)), null, null, prefix);
      rows.fill(slots, prefix);
    }
  }

  private static int[] concat(int[] a, List<Integer> b) {
    int[] out = Arrays.copyOf(a, a.length + b.size());
    for (int i = 0; i < b.size(); i++) {
      out[a.length + i] = b.get(i);
    }
    return out;
  }

  private static void assertGenerationsEqual(List<Generation> got, List<Generation> expected, String what) {
    assertThat(got).as(what).hasSameSizeAs(expected);
    for (int s = 0; s < got.size(); s++) {
      assertThat(got.get(s).tokenIds()).as(what + " sample " + s).containsExactly(expected.get(s).tokenIds());
      assertThat(got.get(s).finishReason()).as(what + " sample " + s).isEqualTo(expected.get(s).finishReason());
      float[] a = got.get(s).logProbs();
      float[] b = expected.get(s).logProbs();
      for (int t = 0; t < a.length; t++) {
        assertThat(a[t]).as(what + " sample " + s + " token " + t).isCloseTo(b[t], org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }
}
