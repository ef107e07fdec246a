package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.PolicyConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Eval generation with the engine: each prompt prefilled on its own and sampled from its own seed, so a response
 * depends on its prompt and seed only, not on the batch it lands in or the prompts beside it.
 */
class PolicyResponseGeneratorTest {
  private static <T> List<T> reversed(List<T> in) {
    List<T> out = new ArrayList<>(in);
    Collections.reverse(out);
    return out;
  }

  @Test
  void responsesDoNotDependOnTheBatching() throws Exception {
    SamplingSettings sampling = new SamplingSettings(1, false, 0.9, 0.95, 12, 5L);
    List<String> prompts = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      prompts.add("<|user|>\nThe badge of Tudare is " + i + ". " + "Filler text about letters. ".repeat(3 * i + 1)
          + "What is the badge of Tudare?\n<|assistant|>\n");
      seeds.add(sampling.seedFor("synth", "item-" + i, 0));
    }
    try (ResponseGenerator g = PolicyGenerators.forCheckpoint(PolicyGenerators.EMBEDDED, PolicyConfig.defaults(), 3L)
        .load()) {
      List<ResponseGenerator.Generation> together = g.generate(prompts, seeds, sampling);
      assertThat(together).hasSize(5);
      List<ResponseGenerator.Generation> alone = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        alone.addAll(g.generate(prompts.subList(i, i + 1), seeds.subList(i, i + 1), sampling));
      }
      List<ResponseGenerator.Generation> reversed = new ArrayList<>(
          g.generate(reversed(prompts.subList(2, 5)), reversed(seeds.subList(2, 5)), sampling));
      assertThat(alone).isEqualTo(together);
      assertThat(reversed(reversed)).isEqualTo(together.subList(2, 5));
      assertThat(together.stream().map(ResponseGenerator.Generation::text).distinct()).hasSizeGreaterThan(1);
    }
  }
}
