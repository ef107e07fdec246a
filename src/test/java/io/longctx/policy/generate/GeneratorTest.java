package io.longctx.policy.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.PolicyException;
import io.longctx.policy.model.Golden;
import io.longctx.policy.model.GoldenModelTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generation on the golden model: reference greedy tokens, cache vs recomputation, ragged batches, seeds. */
class GeneratorTest extends GoldenModelTest {
  @Test
  void greedyWithCacheMatchesReference() {
    int[] prompt = Golden.tensor("greedy_prompt", m).toIntArray();
    int[] expected = Golden.tensor("greedy_output", m).toIntArray();
    Generation g = new Generator(model)
        .generate(List.<int[]>of(prompt), GenerationConfig.builder().setMaxNewTokens(24).optGreedy(true).build())
        .get(0);
    assertThat(g.outputIds()).containsExactly(expected);
    assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(g.logProbs()).hasSize(24);
  }

  @Test
  void cachedLogProbsEqualFullRecomputation() {
    int[] prompt = Golden.tensor("greedy_prompt", m).toIntArray();
    Generation g = new Generator(model)
        .generate(List.<int[]>of(prompt), GenerationConfig.builder().setMaxNewTokens(16).optSeed(7).build())
        .get(0);
    int[] all = g.outputIds();
    NDArray logp = model.forward(m.create(all, new Shape(1, all.length))).logSoftmax(-1);
    for (int i = 0; i < g.tokenIds().length; i++) {
      int pos = prompt.length + i - 1;
      float full = logp.get(0, pos, g.tokenIds()[i]).getFloat();
      assertThat(g.logProbs()[i]).as("token %d", i).isCloseTo(full, org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  @Test
  void raggedBatchEqualsOneByOne() {
    int[] base = Golden.tensor("greedy_prompt", m).toIntArray();
    List<int[]> prompts = List.of(Arrays.copyOf(base, 32), Arrays.copyOf(base, 9), Arrays.copyOfRange(base, 5, 22));
    GenerationConfig cfg = GenerationConfig.builder().setMaxNewTokens(10).optGreedy(true).build();
    Generator gen = new Generator(model);
    List<Generation> batched = gen.generate(prompts, cfg);
    for (int i = 0; i < prompts.size(); i++) {
      Generation alone = gen.generate(List.of(prompts.get(i)), cfg).get(0);
      assertThat(batched.get(i).tokenIds()).as("prompt %d", i).containsExactly(alone.tokenIds());
      for (int j = 0; j < alone.logProbs().length; j++) {
        assertThat(batched.get(i).logProbs()[j]).isCloseTo(alone.logProbs()[j], org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  @Test
  void finishedRowsLeaveTheBatchWithoutChangingTheOthers() {
    int[] base = Golden.tensor("greedy_prompt", m).toIntArray();
    List<int[]> prompts = List.of(Arrays.copyOf(base, 32), Arrays.copyOf(base, 11), Arrays.copyOfRange(base, 3, 25),
        Arrays.copyOfRange(base, 10, 30));
    Generator gen = new Generator(model);
    GenerationConfig probe = GenerationConfig.builder().setMaxNewTokens(12).optGreedy(true).build();
    int stopA = gen.generate(List.of(prompts.get(0)), probe).get(0).tokenIds()[1];
    int stopB = gen.generate(List.of(prompts.get(2)), probe).get(0).tokenIds()[3];
    GenerationConfig cfg = GenerationConfig.builder().setMaxNewTokens(12).optGreedy(true).optStopTokenIds(stopA, stopB).build();
    List<Generation> batched = gen.generate(prompts, cfg);
    int stopped = 0;
    for (int i = 0; i < prompts.size(); i++) {
      Generation alone = gen.generate(List.of(prompts.get(i)), cfg).get(0);
      Generation b = batched.get(i);
      assertThat(b.tokenIds()).as("prompt %d", i).containsExactly(alone.tokenIds());
      assertThat(b.finishReason()).isEqualTo(alone.finishReason());
      for (int j = 0; j < alone.logProbs().length; j++) {
        assertThat(b.logProbs()[j]).isCloseTo(alone.logProbs()[j], org.assertj.core.data.Offset.offset(1e-4f));
      }
      stopped += b.finishReason() == FinishReason.STOP && b.tokenIds().length < 12 ? 1 : 0;
    }
    assertThat(stopped).isGreaterThanOrEqualTo(2); // rows really left the batch early
  }

  @Test
  void seededSamplingIsReproducibleAndSeedSensitive() {
    int[] prompt = Golden.tensor("greedy_prompt", m).toIntArray();
    List<int[]> prompts = List.of(prompt, prompt, prompt);
    Generator gen = new Generator(model);
    GenerationConfig a = GenerationConfig.builder().setMaxNewTokens(12).optTemperature(1.5).optTopP(0.95).optSeed(11).build();
    GenerationConfig b = GenerationConfig.builder().setMaxNewTokens(12).optTemperature(1.5).optTopP(0.95).optSeed(12).build();
    List<Generation> r1 = gen.generate(prompts, a);
    List<Generation> r2 = gen.generate(prompts, a);
    List<Generation> r3 = gen.generate(prompts, b);
    for (int i = 0; i < 3; i++) {
      assertThat(r1.get(i).tokenIds()).containsExactly(r2.get(i).tokenIds());
    }
    assertThat(r1.get(0).tokenIds()).isNotEqualTo(r3.get(0).tokenIds());
    assertThat(r1.get(0).tokenIds()).isNotEqualTo(r1.get(1).tokenIds()); // rows draw from their own streams
  }

  @Test
  void stopTokenAndStopStringEndSequences() {
    int[] prompt = Golden.tensor("greedy_prompt", m).toIntArray();
    int[] expected = Golden.tensor("greedy_output", m).toIntArray();
    int stop = expected[32 + 5]; // the 6th greedy token
    Generation g = new Generator(model).generate(List.<int[]>of(prompt),
        GenerationConfig.builder().setMaxNewTokens(24).optGreedy(true).optStopTokenIds(stop).build()).get(0);
    int firstStop = 0;
    while (expected[32 + firstStop] != stop) {
      firstStop++;
    }
    assertThat(g.tokenIds()).containsExactly(Arrays.copyOfRange(expected, 32, 32 + firstStop + 1));
    assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);

    // decoder: ids as "<id>" so the 3rd and 4th greedy tokens form a stop string
    String stopString = "<" + expected[34] + "><" + expected[35] + ">";
    Generation s = new Generator(model).generate(List.<int[]>of(prompt),
        GenerationConfig.builder().setMaxNewTokens(24).optGreedy(true)
            .optStopStrings(List.of(stopString), GeneratorTest::render).build()).get(0);
    assertThat(render(s.tokenIds())).endsWith(stopString);
    assertThat(s.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(s.tokenIds().length).isLessThanOrEqualTo(4);
  }

  @Test
  void badRequestsFailClearly() {
    assertThatThrownBy(() -> new Generator(model).generate(List.of(new int[0]),
        GenerationConfig.builder().setMaxNewTokens(2).build()))
        .isInstanceOf(PolicyException.class).hasMessageContaining("prompt 0 is empty");
    assertThatThrownBy(() -> new Generator(model).generate(List.of(new int[] {1, 999}),
        GenerationConfig.builder().setMaxNewTokens(2).build()))
        .isInstanceOf(PolicyException.class).hasMessageContaining("token id 999");
    assertThatThrownBy(() -> GenerationConfig.builder().setMaxNewTokens(2).optTopP(1.5).build())
        .isInstanceOf(PolicyException.class).hasMessageContaining("top-p");
  }

  private static String render(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append('<').append(id).append('>');
    }
    return sb.toString();
  }
}
