package io.longctx.transforms.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.lora.LoraAdapter;
import io.longctx.policy.lora.TestAdapters;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ByteTokenizer;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutsTest extends SparkTestBase {
  @TempDir static Path dir;
  static String checkpoint;
  static String other; // a second policy, so that each test counts its own model loads

  @BeforeAll
  static void writeTinyCheckpoints() {
    checkpoint = tinyCheckpoint("ckpt", 3L);
    other = tinyCheckpoint("other", 5L);
  }

  private static String tinyCheckpoint(String name, long seed) {
    PolicyConfig.EmbeddedModel shape = new PolicyConfig.EmbeddedModel(32, 1, 2, 1, 64, 10000.0);
    try (Qwen2Model m = Qwen2Model.random(Qwen2Config.embedded(shape, ByteTokenizer.VOCAB_SIZE), seed, Device.cpu())) {
      m.save(dir.resolve(name));
      return dir.resolve(name).toString();
    }
  }

  private Dataset<Row> prompts() {
    return spark().sql(
        "SELECT concat('s', id) AS sample_id, concat('What is ', id, '?') AS prompt, id AS batch_index FROM range(5)");
  }

  private RolloutSpec spec(long step) {
    return spec(checkpoint, step, 64);
  }

  private RolloutSpec spec(String policy, long step, int rowBudget) {
    return new RolloutSpec(
        policy, new TokenizerSpec("byte"), ChatTemplate.PLAIN, "cpu", 3, 12, 1.0, 0.95, 0, 11L, step, 1, rowBudget);
  }

  private static List<String> responses(Dataset<Row> df) {
    return df.orderBy("sample_id", "response_index").collectAsList().stream()
        .map(r -> r.getAs("sample_id") + "/" + r.getAs("response_index") + "=" + r.<List<Integer>>getList(r.fieldIndex("response_ids")))
        .collect(Collectors.toList());
  }

  @Test
  void samplesAGroupPerPromptIndependentlyOfPartitioning() {
    int loadsBefore = LoadedPolicy.loads();
    Dataset<Row> two = Rollouts.generate(prompts(), spec(1), 2).cache();
    List<Row> rows = two.collectAsList();
    assertThat(rows).hasSize(15);
    for (Row r : rows) {
      List<Integer> ids = r.getList(r.fieldIndex("response_ids"));
      assertThat(r.<Integer>getAs("response_tokens")).isEqualTo(ids.size());
      assertThat(r.getList(r.fieldIndex("logprobs"))).hasSize(ids.size());
      assertThat(r.<String>getAs("finish_reason")).isIn("stop", "length");
      if ("length".equals(r.getAs("finish_reason"))) {
        assertThat(ids).hasSize(12);
      }
      assertThat(r.<Long>getAs("batch_index")).isBetween(0L, 4L); // input columns are carried through
      List<Integer> prompt = r.getList(r.fieldIndex("prompt_ids"));
      assertThat(new ByteTokenizer().decode(prompt.stream().mapToInt(Integer::intValue).toArray()))
          .startsWith("<|user|>\nWhat is ");
    }
    List<String> a = responses(two);
    List<String> b = responses(Rollouts.generate(prompts(), spec(1), 1));
    assertThat(b).isEqualTo(a);
    assertThat(responses(Rollouts.generate(prompts(), spec(2), 2))).isNotEqualTo(a);
    // one load for this checkpoint across partitions and runs in this JVM
    assertThat(LoadedPolicy.loads() - loadsBefore).isEqualTo(1);
  }

  @Test
  void rowBudgetAndPartitioningDoNotChangeRollouts() {
    Dataset<Row> prompts = spark().sql(
        "SELECT concat('q', id) AS sample_id, concat('Where is item ', id * 37, ' kept?') AS prompt FROM range(11)");
    List<String> reference = responses(Rollouts.generate(prompts, spec(other, 4, 3), 1));
    assertThat(reference).hasSize(33);
    for (int budget : new int[] {3, 9, 128}) {
      for (int partitions : new int[] {1, 3}) {
        assertThat(responses(Rollouts.generate(prompts, spec(other, 4, budget), partitions)))
            .as("row budget %d, %d partitions", budget, partitions)
            .isEqualTo(reference);
      }
    }
  }

  @Test
  void loraCheckpointsKeepTheBaseCachedAndSwapOnlyTheAdapter() {
    String base = tinyCheckpoint("lora-base", 13L);
    String[] adapters = new String[2];
    try (Qwen2Model m = Qwen2Model.load(Path.of(base), Device.cpu())) {
      for (int i = 0; i < 2; i++) {
        try (LoraAdapter a = TestAdapters.trained(TestAdapters.lora(4, 8, 0), m, 20 + i, 0.5)) {
          adapters[i] = dir.resolve("lora-" + i).toString();
          a.save(Path.of(adapters[i]), Path.of(base).toAbsolutePath().toString());
        }
      }
    }
    int loads = LoadedPolicy.loads();
    int adapterLoads = LoadedPolicy.adapterLoads();
    List<String> onBase = responses(Rollouts.generate(prompts(), spec(base, 1, 64), 2));
    List<String> onA = responses(Rollouts.generate(prompts(), spec(adapters[0], 1, 64), 2));
    List<String> onAAgain = responses(Rollouts.generate(prompts(), spec(adapters[0], 1, 64), 1));
    List<String> onB = responses(Rollouts.generate(prompts(), spec(adapters[1], 1, 64), 2));
    List<String> onBaseAgain = responses(Rollouts.generate(prompts(), spec(base, 1, 64), 2));
    // the base weights were read once; each adapter once, however many partitions and stages used it
    assertThat(LoadedPolicy.loads() - loads).isEqualTo(1);
    assertThat(LoadedPolicy.adapterLoads() - adapterLoads).isEqualTo(2);
    assertThat(onAAgain).isEqualTo(onA);
    assertThat(onA).isNotEqualTo(onBase);
    assertThat(onB).isNotEqualTo(onA);
    assertThat(onBaseAgain).as("the adapter is detached for a full checkpoint").isEqualTo(onBase);
  }

  @Test
  void groupSeedsDifferAcrossStepsAndSamples() {
    assertThat(Rollouts.groupSeed(1, 1, "a")).isNotEqualTo(Rollouts.groupSeed(1, 2, "a"));
    assertThat(Rollouts.groupSeed(1, 1, "a")).isNotEqualTo(Rollouts.groupSeed(1, 1, "b"));
    assertThat(Rollouts.groupSeed(1, 1, "a")).isEqualTo(Rollouts.groupSeed(1, 1, "a"));
  }
}
