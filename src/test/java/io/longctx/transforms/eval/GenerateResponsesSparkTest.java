package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.PolicyConfig;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The generation step with the real policy engine: the built-in model (random weights from a fixed seed) and the
 * byte tokenizer, run per partition through Spark; compared with calling the generator directly.
 */
class GenerateResponsesSparkTest extends SparkTestBase {

  private static Dataset<Row> prompts() {
    List<Row> rows = BenchmarkLoader.load(Benchmark.SYNTH, List.of(EvalLayouts.file("synth/heldout.jsonl")))
        .items().stream().map(EvalItem::toRow).collect(Collectors.toList());
    return EvalPrompts.build(spark().createDataFrame(rows, EvalItem.SCHEMA).coalesce(1),
        new TokenizerSpec(TokenizerSpec.BYTE), ChatTemplate.PLAIN, 512, List.of("long_toc_choices"));
  }

  @Test
  void generatesKResponsesPerItemLikeTheGeneratorCalledDirectly() throws Exception {
    ResponseGenerator.Loader loader = PolicyGenerators.forCheckpoint("embedded", PolicyConfig.defaults(), 7L);
    SamplingSettings sampling = new SamplingSettings(2, false, 0.7, 0.95, 6, 99L);
    Dataset<Row> prompts = prompts();

    List<Row> viaSpark = GenerateResponses.apply(prompts, loader, sampling, 64).collectAsList();
    assertThat(viaSpark).hasSize(6);
    assertThat(viaSpark).extracting(r -> (int) r.getAs("sample_index")).containsExactly(0, 1, 0, 1, 0, 1);
    assertThat(viaSpark).allSatisfy(r -> {
      assertThat((int) r.<Integer>getAs("response_tokens")).isBetween(1, 6);
      assertThat(r.<String>getAs("finish_reason")).isIn("stop", "length");
    });

    // the same six requests in one batch, straight through the generator
    List<String> texts = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    for (Row p : prompts.collectAsList()) {
      for (int s = 0; s < 2; s++) {
        texts.add(p.getAs("prompt"));
        seeds.add(sampling.seedFor(p.getAs("benchmark"), p.getAs("item_id"), s));
      }
    }
    try (ResponseGenerator direct = loader.load()) {
      List<ResponseGenerator.Generation> expected = direct.generate(texts, seeds, sampling);
      assertThat(viaSpark).extracting(r -> r.<String>getAs("response"))
          .containsExactlyElementsOf(expected.stream().map(ResponseGenerator.Generation::text).toList());
    }

    // deterministic: a second run gives the same responses, and reuses the model cached in this JVM
    int cached = GenerateResponses.modelLoads();
    List<Row> again = GenerateResponses.apply(prompts, loader, sampling, 64).collectAsList();
    assertThat(again).extracting(r -> r.<String>getAs("response"))
        .containsExactlyElementsOf(viaSpark.stream().map(r -> r.<String>getAs("response")).toList());
    assertThat(GenerateResponses.modelLoads()).isEqualTo(cached);
  }

  @Test
  void greedySamplesOfOneItemAreIdentical() {
    ResponseGenerator.Loader loader = PolicyGenerators.forCheckpoint("embedded", PolicyConfig.defaults(), 7L);
    SamplingSettings greedy = new SamplingSettings(2, true, 0.7, 0.95, 5, 1L);
    List<Row> rows = GenerateResponses.apply(prompts(), loader, greedy, 2).collectAsList();
    assertThat(rows).hasSize(6);
    for (int i = 0; i < rows.size(); i += 2) {
      assertThat(rows.get(i).<String>getAs("response")).isEqualTo(rows.get(i + 1).<String>getAs("response"));
    }
  }
}
