package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.chat.CheckpointChatTemplate;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * {@code policy.chat-template: auto} with a Hugging Face directory: the checkpoint's template, resolved on the
 * driver, travels to the executors inside the prompt-building task and renders there as on the driver.
 */
class CheckpointTemplatePromptsSparkTest extends SparkTestBase {

  @Test
  void executorsRenderTheCheckpointsOwnTemplate() throws Exception {
    Path qwen3 = Path.of(getClass().getResource("/chat-templates/qwen3").toURI());
    ChatFormat auto = ChatTemplates.resolve("auto", qwen3.toString());
    assertThat(auto).isInstanceOf(CheckpointChatTemplate.class);
    List<Row> rows = BenchmarkLoader.load(Benchmark.FRAMES, List.of(EvalLayouts.file("frames/test.jsonl"))).items()
        .stream().map(EvalItem::toRow).collect(Collectors.toList());
    List<Row> prompts = EvalPrompts.build(spark().createDataFrame(rows, EvalItem.SCHEMA).repartition(2),
        new TokenizerSpec(TokenizerSpec.BYTE), auto, 100_000, List.of()).orderBy("item_id").collectAsList();
    assertThat(prompts).isNotEmpty();
    for (Row r : prompts) {
      String user = EvalPrompts.userMessage(r.getAs("question"), r.getAs("document"), false);
      assertThat((String) r.getAs("prompt")).isEqualTo(auto.render(user))
          .isEqualTo("<|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n");
    }
  }
}
